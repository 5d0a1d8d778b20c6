import Foundation

/// Independent computations on several threads, results in index order, with BLAS
/// single-threaded throughout (OpenBLAS's thread count is process-wide and changes its
/// rounding), so the results never depend on the thread count or on which body finished
/// first: the EM's independent fits, the mixture step's folds and refits.
public enum ParallelMap {
    /// `body(0)`, …, `body(count − 1)` on up to `threads` threads; result i is `body(i)`.
    ///
    /// - Parameters:
    ///   - count: the number of bodies, ≥ 0.
    ///   - threads: worker threads (at least 1, at most `count` are used).
    ///   - body: called exactly once per index, from any thread.
    /// - Complexity: the bodies' own, divided over the workers.
    public static func map<T: Sendable>(_ count: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let workers = max(1, min(threads, count))
        return BLASThreading.withThreadCount(1) {
            if workers <= 1 { return (0..<count).map(body) }
            let slots = Slots<T>(count: count)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let i = slots.claim() { slots.store(body(i), at: i) }
            }
            return slots.values
        }
    }

    /// The worker count: `threads` if given, else the active cores.
    public static func workers(_ threads: Int?) -> Int { max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount) }
}

/// Result slots filled by several threads, and the next index to claim.
private final class Slots<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    private var next = 0

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func claim() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func store(_ value: T, at i: Int) { lock.lock(); slots[i] = value; lock.unlock() }

    var values: [T] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}
