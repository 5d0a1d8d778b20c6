// The entry point of `irt-report`; the command lives in IRTCommandLine (IRTReportCommand).
import Foundation
import IRTCommandLine

IRTReportCommand.handleTerminationSignals()
exit(IRTReportCommand.exitCode(running: Array(CommandLine.arguments.dropFirst())))
