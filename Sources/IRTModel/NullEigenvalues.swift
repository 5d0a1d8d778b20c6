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

/// One draw of Horn's null with every buffer allocated once: an n × p matrix
/// of independent standard normals (``ZigguratNormal``), standardized per column (population sd),
/// its correlation matrix `ZᵀZ / n` by syrk (`Matrix.correlationOfStandardizedColumns(into:)`,
/// as for the real data), and that matrix's eigenvalues by dsyevd with a
/// workspace queried once. Nothing is allocated per draw, so a Monte Carlo
/// loop keeps one per thread.
public struct NullDraw: Sendable {
    /// Rows n of each draw.
    public let rows: Int
    /// Columns p of each draw.
    public let columns: Int
    private var x: Matrix
    private var correlation: Matrix
    private var ascending: [Double]
    private var solver: SymmetricEigenvalueSolver

    /// Buffers for n × p draws.
    public init(rows n: Int, columns p: Int) {
        rows = n
        columns = p
        x = Matrix(rows: n, columns: p)
        correlation = Matrix(rows: p, columns: p)
        ascending = [Double](repeating: 0, count: p)
        solver = SymmetricEigenvalueSolver(order: p)
    }

    /// Draws with `rng` and writes the correlation matrix's eigenvalues,
    /// **descending**, into `values` (p entries).
    ///
    /// - Precondition: `values.count == columns` (a caller's buffer).
    /// - Throws: `LinalgError.noConvergence` (from Linalg) if dsyevd fails.
    /// - Complexity: n·p normals, 5np + np² flops (syrk) + O(p³) (eigenvalues).
    public mutating func eigenvalues(
        using rng: inout some RandomNumberGenerator, into values: inout [Double]
    ) throws(LinalgError) {
        precondition(values.count == columns, "values must hold one eigenvalue per column")
        var normal = ZigguratNormal()
        x.withMutableElements { span in
            for i in span.indices { span[i] = normal.next(using: &rng) }
        }
        x.standardizeColumnsInPlace()
        x.correlationOfStandardizedColumns(into: &correlation)
        try solver.eigenvalues(destroying: &correlation, into: &ascending)
        for r in 0..<columns { values[r] = ascending[columns - 1 - r] }
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
