// The entry point of `irt-report`; the command lives in IRTReport (IRTReportCommand).
import Foundation
import IRTCommandLine

exit(IRTReportCommand.exitCode(running: Array(CommandLine.arguments.dropFirst())))
