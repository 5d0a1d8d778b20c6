internal import CLAPACKE
import Foundation

/// Control over OpenBLAS's own thread pool.
///
/// When you parallelise over independent problems yourself (one Monte Carlo
/// draw per core), run BLAS single-threaded meanwhile, or the two pools fight
/// for the cores.
public enum BLASThreading {
    /// The number of threads OpenBLAS uses for one call.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with OpenBLAS limited to `threads` threads, then restores the
    /// previous setting (also when `body` throws).
    ///
    /// The setting is process-wide, so overlapping callers share it: the first
    /// one to enter sets it, the last one to leave restores what was there
    /// before. (Callers that overlap should therefore ask for the same count;
    /// IRTKit only ever asks for 1.)
    public static func withThreadCount<R, E: Error>(_ threads: Int, _ body: () throws(E) -> R) throws(E) -> R {
        section.enter(threads)
        defer { section.leave() }
        return try body()
    }

    private static let section = ThreadCountSection()

    /// The CPU kernel set OpenBLAS chose at load time (e.g. `SkylakeX`, `Haswell`,
    /// `Prescott`), for benchmarks and diagnostics; the same as ``BLASKernel/current``,
    /// where the fallback to generic kernels and `OPENBLAS_CORETYPE` are explained.
    public static var coreName: String { BLASKernel.current }
}

/// The nesting count behind ``BLASThreading/withThreadCount(_:_:)``.
private final class ThreadCountSection: @unchecked Sendable {
    private let lock = NSLock()
    private var depth = 0
    private var saved: Int32 = 1

    func enter(_ threads: Int) {
        lock.lock()
        defer { lock.unlock() }
        if depth == 0 {
            saved = openblas_get_num_threads()
            openblas_set_num_threads(blasInt(Swift.max(1, threads)))
        }
        depth += 1
    }

    func leave() {
        lock.lock()
        defer { lock.unlock() }
        depth -= 1
        if depth == 0 { openblas_set_num_threads(saved) }
    }
}
