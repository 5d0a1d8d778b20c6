internal import CLAPACKE

/// Control over OpenBLAS's own thread pool.
///
/// When you parallelise over independent problems yourself (one Monte Carlo
/// draw per core), run BLAS single-threaded meanwhile, or the two pools fight
/// for the cores.
public enum BLASThreading {
    /// The number of threads OpenBLAS uses for one call.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Runs `body` with OpenBLAS limited to `threads` threads, then restores the
    /// previous setting (also when `body` throws). The setting is process-wide.
    public static func withThreadCount<R, E: Error>(_ threads: Int, _ body: () throws(E) -> R) throws(E) -> R {
        let previous = openblas_get_num_threads()
        openblas_set_num_threads(blasInt(Swift.max(1, threads)))
        defer { openblas_set_num_threads(previous) }
        return try body()
    }

    /// The CPU kernel set OpenBLAS chose at load time (e.g. `SkylakeX`, `Haswell`,
    /// `Prescott`), for benchmarks and diagnostics.
    ///
    /// A DYNAMIC_ARCH OpenBLAS that does not know the CPU model falls back to
    /// `Prescott` (SSE3 kernels, several times slower on an AVX-512 machine);
    /// the environment variable `OPENBLAS_CORETYPE` (e.g. `SkylakeX`), set
    /// before the process starts, overrides the choice.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}
