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

    /// Makes one thread the process's default for BLAS calls and stops
    /// OpenBLAS's idle workers: for a program that parallelises over draws and
    /// fits itself and runs BLAS single-threaded meanwhile, as `irt-report` does.
    ///
    /// OpenBLAS starts its pool when it loads, and an idle worker spins
    /// (`sched_yield`) for about 0.1 s before it sleeps, beside the program's
    /// own threads. A later ``withThreadCount(_:_:)`` with more threads starts
    /// the pool again. Without a pool to stop (an OpenBLAS built without one),
    /// only the default changes.
    ///
    /// Call it before starting threads.
    public static func runSingleThreaded() {
        section.setDefault(1)
        if let shutdown = poolShutdown { _ = shutdown() }
    }

    /// OpenBLAS's pool shutdown (what its fork handler calls), when this build has one.
    private static let poolShutdown: (@convention(c) () -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) () -> Int32).self)
    }()

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
    /// Whether the outermost section changed the count (an unchanged count is
    /// not set again: setting it restarts a stopped pool).
    private var changed = false

    func enter(_ threads: Int) {
        lock.lock()
        defer { lock.unlock() }
        if depth == 0 {
            saved = openblas_get_num_threads()
            let wanted = blasInt(Swift.max(1, threads))
            changed = wanted != saved
            if changed { openblas_set_num_threads(wanted) }
        }
        depth += 1
    }

    func leave() {
        lock.lock()
        defer { lock.unlock() }
        depth -= 1
        if depth == 0, changed { openblas_set_num_threads(saved) }
    }

    /// Sets the count outside any section (``BLASThreading/runSingleThreaded()``).
    func setDefault(_ threads: Int) {
        lock.lock()
        defer { lock.unlock() }
        if depth == 0 {
            openblas_set_num_threads(blasInt(Swift.max(1, threads)))
        } else {
            // Inside a section: the outermost one restores this count when it leaves.
            saved = blasInt(Swift.max(1, threads))
            changed = true
        }
    }
}
