import Foundation
import Linalg

/// Runs independent fits on several threads and returns their results in
/// index order, so that what a caller makes of them never depends on the
/// thread count or on which fit finished first.
///
/// Each fit runs with BLAS single-threaded from start to end, so the fits are
/// bit-identical whatever the worker count; only the wall time changes: the
/// start check's 8 fits, k ± 1 and the free fit take about 1/T of the time on
/// T cores.
enum IndependentFits {
    /// `body(0)`, …, `body(count − 1)`, on up to `threads` threads; result i is `body(i)`.
    ///
    /// - Parameters:
    ///   - count: the number of fits, ≥ 0.
    ///   - threads: worker threads (at least 1, at most `count` are used).
    ///   - body: one fit; called exactly once per index, from any thread.
    /// - Complexity: the fits' own, divided over the workers.
    static func map<T: Sendable>(_ count: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
        // The whole of every fit (the EM, and what follows it: varimax, ℓ) with
        // BLAS single-threaded, for any worker count: OpenBLAS's thread count is
        // process-wide and changes its rounding, so a fit must never see
        // whatever another one set meanwhile.
        ParallelMap.map(count, threads: threads, body)
    }

    /// The number of worker threads for auxiliary fits: `threads` if given, else all cores.
    static func workers(_ threads: Int?) -> Int { ParallelMap.workers(threads) }
}
