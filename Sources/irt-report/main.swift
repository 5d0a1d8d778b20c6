// The entry point of `irt-report`; the commands live in IRTCommandLine (IRTReportTool).
import Foundation
import IRTCommandLine
import Linalg

// OpenBLAS picks its kernels when it loads: on a CPU it does not know it falls
// back to generic ones (several times slower), and OPENBLAS_CORETYPE only takes
// effect in a new process. So run once more, with the variable set, when
// BLASKernel recommends it; IRTKIT_REEXEC marks the second run so that it never
// loops. If exec fails, carry on as we are.
if ProcessInfo.processInfo.environment["IRTKIT_REEXEC"] == nil, let coreType = BLASKernel.recommendedCoreType() {
    setenv(BLASKernel.coreTypeVariable, coreType, 1)
    setenv("IRTKIT_REEXEC", "1", 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)
    unsetenv(BLASKernel.coreTypeVariable)
    unsetenv("IRTKIT_REEXEC")
}

// Every BLAS call of the analysis runs on one thread (its workers parallelise
// over draws and fits), so OpenBLAS's pool is stopped before it spins beside them.
BLASThreading.runSingleThreaded()
AnalyzeCommand.handleTerminationSignals()
exit(IRTReportTool.exitCode(running: Array(CommandLine.arguments.dropFirst())))
