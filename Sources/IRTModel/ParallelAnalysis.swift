import Foundation
import Linalg

/// Horn's parallel analysis: how many factors stand above what independent
/// noise of the same shape would produce.
///
/// For the n × p z-scored data `Z`, the real eigenvalues `λ₁ ≥ … ≥ λₚ` of its
/// correlation matrix are compared rank by rank with the eigenvalues of
/// `draws` correlation matrices of independent standard-normal n × p data:
///
/// ```
/// p95[r]  = 95th percentile over draws of λ_r(null)   (NumPy's linear interpolation)
/// mean[r] = mean over draws of λ_r(null)
/// k95     = #{ r : λ_r > p95[r] }      (count rule; `.firstMiss` stops at the first rank that fails)
/// ```
///
/// Draw `d` uses its own random stream (the seed's generator jumped `d`
/// times), so the result depends on the seed and never on the thread count.
public struct ParallelAnalysis: Sendable, Equatable, Codable {
    /// How ranks are counted against the null curve.
    public enum Rule: String, Sendable, Codable, CaseIterable {
        /// Count every rank whose real eigenvalue exceeds the null (reference).
        case count
        /// Count ranks until the first one that does not exceed the null.
        case firstMiss = "first-miss"
    }

    /// Real eigenvalues, descending.
    public let eigenvalues: [Double]
    /// The null's 95th percentile per rank.
    public let p95: [Double]
    /// The null's mean per rank.
    public let mean: [Double]
    /// Factors above the 95th percentile.
    public let k95: Int
    /// Factors above the null mean.
    public let kMean: Int
    /// Monte Carlo draws.
    public let draws: Int
    /// Seed of the null.
    public let seed: UInt64
    /// The counting rule used for k95 and kMean.
    public let rule: Rule

    enum CodingKeys: String, CodingKey {
        case eigenvalues, p95, mean, k95, kMean = "k_mean", draws, seed, rule
    }

    /// Runs the analysis on z-scored data.
    ///
    /// - Parameters:
    ///   - z: n × p data, already z-scored (only its correlation matrix is used).
    ///   - draws: Monte Carlo draws (500 gives the p95 curve about 1% Monte Carlo error).
    ///   - seed: seed of the null's generator.
    ///   - rule: how ranks are counted.
    ///   - threads: worker threads for the draws (default: all cores). BLAS runs
    ///     single-threaded meanwhile (for `threads == 1` too). The result is
    ///     bit-identical for any value. OpenBLAS's thread count is process-wide,
    ///     so concurrent calls compute their eigenvalues one at a time.
    ///   - progress: called with the number of finished draws, from any thread;
    ///     it must not wait for another parallel analysis.
    /// - Throws: ``AnalysisError/invalidOption(_:)`` for `draws < 1`;
    ///   ``AnalysisError/tooFewRuns(file:needed:actual:)`` below 3 rows;
    ///   ``AnalysisError/numerical(_:)`` if an eigenvalue solve fails.
    /// - Complexity: `draws · (n p² + p³)` flops, spread over `threads` cores.
    public init(
        z: Matrix, draws: Int = 500, seed: UInt64 = 42, rule: Rule = .count,
        threads: Int? = nil, progress: (@Sendable (Int) -> Void)? = nil
    ) throws(AnalysisError) {
        guard draws >= 1 else { throw .invalidOption("draws must be at least 1, got \(draws)") }
        let n = z.rows, p = z.columns
        guard !draws.multipliedReportingOverflow(by: Swift.max(p, 1)).overflow,
              draws * Swift.max(p, 1) <= 1 << 34 else {
            throw .invalidOption("draws × tasks = \(draws) × \(p) is too large to hold in memory; use fewer draws")
        }
        guard n >= 3 else { throw .tooFewRuns(file: "data", needed: 3, actual: n) }
        // OpenBLAS rounds differently with different thread counts, so the real
        // eigenvalues and every draw are computed with BLAS single-threaded: the
        // result never depends on `threads` or on the BLAS default. That setting
        // is process-wide, so analyses running at the same time take turns here
        // rather than restore each other's setting mid-run.
        let real: [Double], null: [Double]
        do {
            Self.blasSection.lock()
            defer { Self.blasSection.unlock() }
            real = try Self.correlationEigenvalues(z)
            null = try NullEigenvalues.compute(n: n, p: p, draws: draws, seed: seed,
                                               threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                               progress: progress)
        }
        var p95 = [Double](repeating: 0, count: p)
        var mean = [Double](repeating: 0, count: p)
        var column = [Double](repeating: 0, count: draws)
        for r in 0..<p {
            for d in 0..<draws { column[d] = null[d * p + r] }
            column.sort()
            p95[r] = Statistics.percentileOfSorted(column, 95)
            mean[r] = column.reduce(0, +) / Double(draws)
        }
        self.init(eigenvalues: real, p95: p95, mean: mean, draws: draws, seed: seed, rule: rule)
    }

    /// Held while OpenBLAS is pinned to one thread for an analysis (see `init(z:…)`).
    private static let blasSection = NSLock()

    /// Descending eigenvalues of the correlation matrix `ZᵀZ / n` (unit diagonal), BLAS single-threaded.
    private static func correlationEigenvalues(_ z: Matrix) throws(AnalysisError) -> [Double] {
        do throws(LinalgError) {
            return try BLASThreading.withThreadCount(1) { () throws(LinalgError) -> [Double] in
                try SymmetricEigen.values(of: z.correlationOfStandardizedColumns()).reversed()
            }
        } catch { throw .numerical(error) }
    }

    /// Assembles a result from eigenvalue curves (e.g. read back from JSON), counting k95 and kMean.
    public init(eigenvalues: [Double], p95: [Double], mean: [Double], draws: Int, seed: UInt64, rule: Rule = .count) {
        self.eigenvalues = eigenvalues
        self.p95 = p95
        self.mean = mean
        self.draws = draws
        self.seed = seed
        self.rule = rule
        k95 = Self.count(eigenvalues, above: p95, rule: rule)
        kMean = Self.count(eigenvalues, above: mean, rule: rule)
    }

    /// Ranks whose real eigenvalue exceeds the null curve under `rule`.
    public static func count(_ real: [Double], above null: [Double], rule: Rule) -> Int {
        switch rule {
        case .count:
            return zip(real, null).filter { $0 > $1 }.count
        case .firstMiss:
            return zip(real, null).prefix { $0 > $1 }.count
        }
    }
}
