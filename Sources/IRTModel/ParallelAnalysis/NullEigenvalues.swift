import Foundation
import Linalg

/// The Monte Carlo part of Horn's analysis, draws spread over threads with
/// buffers and LAPACK workspaces allocated once per thread.
enum NullEigenvalues {
    /// Descending eigenvalues of `draws` null correlation matrices, draw-major
    /// (`result[d * p + r]`). With `observed`, each draw gets the sweep's gaps
    /// and its pairwise-complete correlation matrix (``MaskedNullDraw``).
    static func compute(
        n: Int, p: Int, draws: Int, seed: UInt64, threads: Int, observed: ObservedMask? = nil,
        progress: (@Sendable (Int) -> Void)?
    ) throws(AnalysisError) -> [Double] {
        let workers = Swift.max(1, Swift.min(threads, draws))
        let output = UnsafeMutableBufferPointer<Double>.allocate(capacity: draws * p)
        defer { output.deallocate() }
        let failures = FailureBox()
        let finished = Counter()
        let base = Xoshiro256StarStar(seed: seed)
        let out = SendableBuffer(output)

        let work: @Sendable (Int) -> Void = { worker in
            // Contiguous block of draws for this worker.
            let start = worker * draws / workers, end = (worker + 1) * draws / workers
            guard start < end else { return }
            var stream = base.stream(start)
            var complete: NullDraw? = observed == nil ? NullDraw(rows: n, columns: p) : nil
            var masked: MaskedNullDraw? = observed.map { MaskedNullDraw(observed: $0) }
            var values = [Double](repeating: 0, count: p)
            for d in start..<end {
                var rng = stream
                stream.jump()
                do throws(LinalgError) {
                    if masked != nil {
                        try masked!.eigenvalues(using: &rng, into: &values)
                    } else {
                        try complete!.eigenvalues(using: &rng, into: &values)
                    }
                } catch {
                    failures.record(error, draw: d)
                    return
                }
                for r in 0..<p { out.buffer[d * p + r] = values[r] }
                if let progress { progress(finished.increment()) }
            }
        }
        // BLAS single-threaded for one worker too: its rounding depends on its
        // thread count, and the draws must not depend on `threads`.
        BLASThreading.withThreadCount(1) {
            if workers == 1 {
                work(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: workers, execute: work)
            }
        }
        if let error = failures.error { throw .numerical(error) }
        return Array(output)
    }
}

/// A buffer shared by workers that write disjoint ranges.
private struct SendableBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Double>
    init(_ buffer: UnsafeMutableBufferPointer<Double>) { self.buffer = buffer }
}

private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var first: (draw: Int, error: LinalgError)?
    /// Keeps the failure of the lowest draw, so the report does not depend on thread timing.
    func record(_ e: LinalgError, draw: Int) {
        lock.lock()
        if first.map({ draw < $0.draw }) ?? true { first = (draw, e) }
        lock.unlock()
    }
    var error: LinalgError? { lock.lock(); defer { lock.unlock() }; return first?.error }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
