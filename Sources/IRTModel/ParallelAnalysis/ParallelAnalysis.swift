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
/// k95     = max{ j ≤ R : λ_r > p95[r] for every r ≤ j }   (sequential rule, the default)
/// k95     = #{ r ≤ R : λ_r > p95[r] }                       (count rule, `.count`)
/// R       = min(n − 1, p)                                   (``countedRanks``)
/// ```
///
/// **Rule.** The default is Horn's sequential rule (R psych's `fa.parallel`):
/// count from rank 1 until the first rank whose real eigenvalue is not above
/// its null p95. The count rule of the reference notebook counts every rank
/// above its own p95 — it tests each of the R ranks at 5%, so pure noise with
/// 43 tasks finds a "factor" at some rank or other in most data sets (ranks 13
/// and 18 of one 242 × 43 draw). ``otherRule`` holds what the other rule gives,
/// so a report can say when the two disagree.
///
/// Only ranks 1…min(n − 1, p) are counted: z-scored data of n runs has a
/// correlation matrix of rank at most n − 1, so with more tasks than runs the
/// real and null eigenvalues beyond that rank are both rounding noise
/// (≈ 1e-15), and comparing them would count factors out of rounding. All p
/// eigenvalues are still reported.
///
/// **Gaps.** Given an ``ObservedMask`` with missing cells (``init(prepared:draws:seed:rule:threads:progress:)``
/// passes the prepared sweep's), the real eigenvalues are those of the
/// pairwise-complete correlation matrix (``MaskedNullDraw/pairwiseCorrelation(_:observed:)``)
/// and every null draw is masked the same way (``MaskedNullDraw``), so both
/// sides see the same missingness; ``masked`` records it. A masked draw does
/// about 5× the matrix products of a complete one; with the eigenvalue solve
/// and the normals, a whole masked null took 1.2× the complete one at
/// n = 242, p = 43 and 2.2× at n = 1000, p = 200 (release build, one thread,
/// 15% gaps).
///
/// **Shape.** With fewer runs than tasks the real eigenvalues and every null
/// draw go through the n × n matrix `ZZᵀ/n` (the same non-zero eigenvalues,
/// ranks beyond n are 0); for n ≫ p the null correlation is drawn as a
/// standardized Wishart_p(n − 1, I) by Bartlett's factor (the same law). See
/// ``NullDraw`` and METHOD.md §4.
///
/// Draw `d` uses its own random stream (the seed's generator jumped `d`
/// times), so the result depends on the seed and never on the thread count.
public struct ParallelAnalysis: Sendable, Equatable, Codable {
    /// How ranks are counted against the null curve.
    public enum Rule: String, Sendable, Codable, CaseIterable {
        /// Count every rank whose real eigenvalue exceeds the null (the reference notebook's rule).
        case count
        /// Count ranks until the first one that does not exceed the null (Horn's sequential rule, R psych's; the default).
        case sequential

        /// Reads `count`, `sequential`, and `first-miss` (the sequential rule's name in older results).
        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let rule = text == "first-miss" ? .sequential : Rule(rawValue: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "unknown Horn rule \"\(text)\"; expected count or sequential"))
            }
            self = rule
        }

        /// The other rule.
        public var other: Rule { self == .count ? .sequential : .count }
    }

    /// k95 and kMean under a rule.
    public struct RuleCount: Sendable, Equatable, Codable {
        /// The rule.
        public let rule: Rule
        /// Factors above the 95th percentile under it.
        public let k95: Int
        /// Factors above the null mean under it.
        public let kMean: Int

        enum CodingKeys: String, CodingKey { case rule, k95, kMean = "k_mean" }
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
    /// Ranks 1…countedRanks take part in k95 and kMean: `min(n − 1, p)` for n runs and p tasks.
    public let countedRanks: Int
    /// Whether the correlations are pairwise-complete and the null draws carry the sweep's gaps.
    public let masked: Bool
    /// k95 and kMean under the other rule (``Rule/other``), from the same curves.
    public let otherRule: RuleCount
    /// Whether the other rule gives another k95.
    public var rulesDisagree: Bool { otherRule.k95 != k95 }
    /// How the null draws were made, chosen by shape (NullDraw.swift): `data`
    /// (n × p normals, p × p correlations), `row-gram` (the same draws through
    /// the n × n Gram matrix, n < p), `wishart` (Bartlett's factor of a
    /// Wishart(n − 1, I): the same law, another random stream, for n ≫ p),
    /// `masked` (data draws with the sweep's gaps); `nil` in older results.
    public let nullDraws: String?

    enum CodingKeys: String, CodingKey {
        case eigenvalues, p95, mean, k95, kMean = "k_mean", draws, seed, rule
        case countedRanks = "counted_ranks", masked, nullDraws = "null_draws", otherRule = "other_rule"
    }

    /// Reads the JSON written by `encode(to:)`; `counted_ranks` (default: every
    /// rank) and `masked` (default `false`) may be absent, as in results written
    /// before they existed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        eigenvalues = try c.decode([Double].self, forKey: .eigenvalues)
        p95 = try c.decode([Double].self, forKey: .p95)
        mean = try c.decode([Double].self, forKey: .mean)
        k95 = try c.decode(Int.self, forKey: .k95)
        kMean = try c.decode(Int.self, forKey: .kMean)
        draws = try c.decode(Int.self, forKey: .draws)
        seed = try c.decode(UInt64.self, forKey: .seed)
        rule = try c.decode(Rule.self, forKey: .rule)
        countedRanks = try c.decodeIfPresent(Int.self, forKey: .countedRanks) ?? eigenvalues.count
        masked = try c.decodeIfPresent(Bool.self, forKey: .masked) ?? false
        nullDraws = try c.decodeIfPresent(String.self, forKey: .nullDraws)
        otherRule = Self.counts(eigenvalues, p95: p95, mean: mean, ranks: Swift.max(0, Swift.min(countedRanks, eigenvalues.count)),
                                rule: rule.other)
    }

    /// Runs the analysis on a prepared sweep: complete data as ``init(z:observed:draws:seed:rule:threads:progress:)``
    /// without a mask; a sweep with gaps (``PreparedSweep/hasGaps``) with
    /// pairwise-complete correlations and masked null draws.
    ///
    /// - Throws: as ``init(z:observed:draws:seed:rule:threads:progress:)``.
    public init(
        prepared: PreparedSweep, draws: Int = 500, seed: UInt64 = 42, rule: Rule = .sequential,
        threads: Int? = nil, progress: (@Sendable (Int) -> Void)? = nil
    ) throws(AnalysisError) {
        try self.init(z: prepared.z, observed: prepared.hasGaps ? prepared.observed : nil, draws: draws, seed: seed,
                      rule: rule, threads: threads, progress: progress)
    }

    /// Runs the analysis on z-scored data.
    ///
    /// - Parameters:
    ///   - z: n × p data, already z-scored (only its correlation matrix is used).
    ///   - observed: the cells of `z` that are real; with a missing cell, the
    ///     pairwise-complete analysis (see the type). `nil` or a complete mask: complete data.
    ///   - draws: Monte Carlo draws (500 gives the p95 curve about 1% Monte Carlo error).
    ///   - seed: seed of the null's generator.
    ///   - rule: how ranks are counted.
    ///   - threads: worker threads for the draws (default: all cores). BLAS runs
    ///     single-threaded meanwhile (for `threads == 1` too). The result is
    ///     bit-identical for any value. OpenBLAS's thread count is process-wide,
    ///     so concurrent calls compute their eigenvalues one at a time.
    ///   - progress: called with the number of finished draws, from any thread;
    ///     it must not wait for another parallel analysis.
    /// - Throws: ``AnalysisError/invalidOption(_:)`` for `draws < 1` or a mask of another shape;
    ///   ``AnalysisError/tooFewRuns(file:needed:actual:)`` below 3 rows;
    ///   ``AnalysisError/numerical(_:)`` if an eigenvalue solve fails.
    /// - Complexity: `draws · (m² M + m³)` flops for `m = min(n, p)`, `M = max(n, p)`
    ///   (`draws · 2p³` for Wishart draws; about `draws · (5 n p² + p³)` with gaps),
    ///   spread over `threads` cores.
    public init(
        z: Matrix, observed: ObservedMask? = nil, draws: Int = 500, seed: UInt64 = 42, rule: Rule = .sequential,
        threads: Int? = nil, progress: (@Sendable (Int) -> Void)? = nil
    ) throws(AnalysisError) {
        let n = z.rows, p = z.columns
        try Self.checkDraws(draws, tasks: p)
        if let observed, observed.rows != n || observed.columns != p {
            throw .invalidOption("the observed mask is \(observed.rows) × \(observed.columns) but the data is \(n) × \(p)")
        }
        let gaps = observed.flatMap { $0.isComplete ? nil : $0 }
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
            real = try Self.correlationEigenvalues(z, observed: gaps)
            null = try NullEigenvalues.compute(n: n, p: p, draws: draws, seed: seed,
                                               threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                               observed: gaps, progress: progress)
        }
        self.init(real: real, null: null, n: n, p: p, draws: draws, seed: seed, rule: rule, masked: gaps != nil)
    }

    /// Runs the analysis on a correlation matrix of `n` observations (no data):
    /// the real eigenvalues are R's, the null is that of n × p normal data, as for data.
    ///
    /// - Throws: as ``init(z:observed:draws:seed:rule:threads:progress:)``.
    public init(
        correlation r: Matrix, observations n: Int, draws: Int = 500, seed: UInt64 = 42, rule: Rule = .sequential,
        threads: Int? = nil, progress: (@Sendable (Int) -> Void)? = nil
    ) throws(AnalysisError) {
        guard draws >= 1 else { throw .invalidOption("draws must be at least 1, got \(draws)") }
        let p = r.columns
        guard !draws.multipliedReportingOverflow(by: Swift.max(p, 1)).overflow, draws * Swift.max(p, 1) <= 1 << 34 else {
            throw .invalidOption("draws × tasks = \(draws) × \(p) is too large to hold in memory; use fewer draws")
        }
        guard n >= 3 else { throw .tooFewRuns(file: "data", needed: 3, actual: n) }
        let real: [Double], null: [Double]
        do {
            Self.blasSection.lock()
            defer { Self.blasSection.unlock() }
            real = try numerical { () throws(LinalgError) in
                try BLASThreading.withThreadCount(1) { () throws(LinalgError) in try SymmetricEigen.values(of: r).reversed() }
            }
            null = try NullEigenvalues.compute(n: n, p: p, draws: draws, seed: seed,
                                               threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                                               observed: nil, progress: progress)
        }
        self.init(real: real, null: null, n: n, p: p, draws: draws, seed: seed, rule: rule, masked: false)
    }

    /// p95 and mean per rank from the draws' eigenvalues (`null[d * p + r]`).
    private init(real: [Double], null: [Double], n: Int, p: Int, draws: Int, seed: UInt64, rule: Rule, masked: Bool) {
        var p95 = [Double](repeating: 0, count: p)
        var mean = [Double](repeating: 0, count: p)
        var column = [Double](repeating: 0, count: draws)
        for r in 0..<p {
            for d in 0..<draws { column[d] = null[d * p + r] }
            column.sort()
            p95[r] = Statistics.percentileOfSorted(column, 95)
            mean[r] = column.reduce(0, +) / Double(draws)
        }
        self.init(eigenvalues: real, p95: p95, mean: mean, draws: draws, seed: seed, rule: rule,
                  countedRanks: Swift.min(n - 1, p), masked: masked,
                  nullDraws: masked ? "masked" : Self.name(NullDraw.method(runs: n, tasks: p)))
    }

    /// Checks a draw count for p tasks: at least 1, and `draws × p` eigenvalues
    /// (kept until the percentiles are taken) at most 2³⁴.
    ///
    /// - Throws: ``AnalysisError/invalidOption(_:)`` naming what is wrong.
    static func checkDraws(_ draws: Int, tasks p: Int) throws(AnalysisError) {
        guard draws >= 1 else { throw .invalidOption("draws must be at least 1, got \(draws)") }
        guard !draws.multipliedReportingOverflow(by: Swift.max(p, 1)).overflow,
              draws * Swift.max(p, 1) <= 1 << 34 else {
            throw .invalidOption("draws × tasks = \(draws) × \(p) is too large to hold in memory; use fewer draws")
        }
    }

    /// The counting rule in words, and what the other rule gives when it disagrees:
    /// "sequential rule (…); the count rule (…) gives k95 = 2".
    public var ruleNote: String {
        func words(_ rule: Rule) -> String {
            switch rule {
            case .sequential: "sequential rule: ranks from 1 until the first one not above its null p95"
            case .count: "count rule: every rank above its own null p95"
            }
        }
        let note = words(rule)
        guard rulesDisagree else { return note + " (the \(rule.other.rawValue) rule agrees)" }
        return note + "; the \(words(rule.other)) gives k95 = \(otherRule.k95) — the rules DISAGREE"
    }

    /// What a shape-chosen null draw method means for the numbers, in words
    /// (`nil` for plain data draws and older results).
    public var nullDrawsNote: String? {
        switch nullDraws {
        case "row-gram"?: "null draws through the n × n Gram matrix (fewer runs than tasks): the same eigenvalues as the p × p correlations"
        case "wishart"?: "null correlations drawn as Wishart(n − 1, I) by Bartlett's factor (n ≫ p): the same law as n × p normal draws, another random stream"
        case "masked"?: "null draws carry the sweep's gaps (pairwise-complete correlations)"
        default: nil
        }
    }

    /// The name of a null draw method in ``nullDraws``.
    static func name(_ method: NullDraw.Method) -> String {
        switch method {
        case .columnGram: "data"
        case .rowGram: "row-gram"
        case .wishart: "wishart"
        }
    }

    /// Held while OpenBLAS is pinned to one thread for an analysis (see `init(z:…)`).
    private static let blasSection = NSLock()

    /// Descending eigenvalues of the correlation matrix `ZᵀZ / n` (unit diagonal;
    /// through the n × n `ZZᵀ / n` when n < p, as the null draws), or of the
    /// pairwise-complete one when `observed` has gaps; BLAS single-threaded.
    private static func correlationEigenvalues(_ z: Matrix, observed: ObservedMask?) throws(AnalysisError) -> [Double] {
        do throws(LinalgError) {
            return try BLASThreading.withThreadCount(1) { () throws(LinalgError) -> [Double] in
                if let observed {
                    return try SymmetricEigen.values(of: MaskedNullDraw.pairwiseCorrelation(z, observed: observed)).reversed()
                }
                return try NullDraw.correlationEigenvalues(of: z)
            }
        } catch { throw .numerical(error) }
    }

    /// Assembles a result from eigenvalue curves (e.g. read back from JSON), counting k95 and kMean
    /// over the first `countedRanks` ranks.
    ///
    /// - Parameters:
    ///   - eigenvalues: the real eigenvalues, descending.
    ///   - p95: the null's 95th percentile per rank.
    ///   - mean: the null's mean per rank.
    ///   - draws: the Monte Carlo draws behind the null curves.
    ///   - seed: the null's seed.
    ///   - rule: how ranks are counted.
    ///   - countedRanks: ranks that take part in the count, `min(n − 1, p)` for n runs;
    ///     `nil` counts every rank.
    ///   - masked: whether the curves come from the pairwise-complete analysis of a sweep with gaps.
    public init(eigenvalues: [Double], p95: [Double], mean: [Double], draws: Int, seed: UInt64, rule: Rule = .sequential,
                countedRanks: Int? = nil, masked: Bool = false, nullDraws: String? = nil) {
        self.eigenvalues = eigenvalues
        self.p95 = p95
        self.mean = mean
        self.draws = draws
        self.seed = seed
        self.rule = rule
        let ranks = Swift.max(0, Swift.min(countedRanks ?? eigenvalues.count, eigenvalues.count))
        self.countedRanks = ranks
        self.masked = masked
        self.nullDraws = nullDraws
        k95 = Self.count(Array(eigenvalues.prefix(ranks)), above: p95, rule: rule)
        kMean = Self.count(Array(eigenvalues.prefix(ranks)), above: mean, rule: rule)
        otherRule = Self.counts(eigenvalues, p95: p95, mean: mean, ranks: ranks, rule: rule.other)
    }

    /// k95 and kMean of the first `ranks` eigenvalues under `rule`.
    static func counts(_ eigenvalues: [Double], p95: [Double], mean: [Double], ranks: Int, rule: Rule) -> RuleCount {
        let counted = Array(eigenvalues.prefix(ranks))
        return RuleCount(rule: rule, k95: count(counted, above: p95, rule: rule), kMean: count(counted, above: mean, rule: rule))
    }

    /// Ranks whose real eigenvalue exceeds the null curve under `rule`.
    public static func count(_ real: [Double], above null: [Double], rule: Rule) -> Int {
        switch rule {
        case .count:
            return zip(real, null).filter { $0 > $1 }.count
        case .sequential:
            return zip(real, null).prefix { $0 > $1 }.count
        }
    }
}
