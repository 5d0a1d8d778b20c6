// The entry point of `irt-report`; the commands live in IRTCommandLine (IRTReportTool).
import Foundation
import IRTCommandLine

exit(IRTReportTool.exitCode(running: Array(CommandLine.arguments.dropFirst())))
