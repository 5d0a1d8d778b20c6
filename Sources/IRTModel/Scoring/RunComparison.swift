import Foundation
import Linalg

/// "Is run A really better than run B?" for any two runs — of a model's sweep,
/// of runs scored with it later, or one of each — from joint draws of the
/// runs' aggregates (``AggregateNoise``), the draws behind rank intervals,
/// `p_best` and the tie group (METHOD.md §7a):
///
/// ```
/// x_A^(d), x_B^(d)    draw d of the two aggregates, d = 0…D−1
/// p_better = ( #{d : x_A^(d) > x_B^(d)} + ½ #{d : x_A^(d) = x_B^(d)} ) / D        P(A's aggregate > B's)
/// Δ = â_A − â_B,      95% interval: the 2.5th and 97.5th percentiles of x_A^(d) − x_B^(d)
/// verdict: A better if p_better ≥ 0.975, B better if p_better ≤ 0.025, else not told apart (two-sided 95%)
/// exceeds = |Δ| > MDD, the minimum detectable difference between two complete runs
/// ```
///
/// Draw d of the sweep's runs uses `seed` (so two sweep runs get the `p_better`
/// of ``PairwiseComparison`` for the same law, seed and draws), and
/// draw d of scored runs `~seed` (as in ``RankAmongSweep``); both sets are drawn
/// with the same index d, so the seed law's χ² scale `c_d` (the shared
/// ``AggregateNoise/scaleSeed``) and a refit of the model, when the law has
/// them, are the same for A and B, while each run's own ε is independent.
///
/// Closed forms (what the draws estimate): for the posterior law
/// `p_better = Φ(Δ / √(s_A² + s_B²))`; for the seed law with ν degrees of
/// freedom and two complete runs (no extra variance)
/// `x_A − x_B = Δ + √(2 c_d σ̂²_a) ε` with `√c_d ε ~ t_ν`, so
/// `p_better = F_t,ν(Δ / √(2 σ̂²_a))`. With a run's extra variance `e` the
/// difference is a scale mixture that is not a t: the draws are used throughout.
///
/// Ties count one half, so `p_better(A, B) + p_better(B, A) = 1` exactly.
public struct RunComparison: Sendable, Equatable, Codable {
    /// The set a compared run belongs to.
    public enum Origin: String, Sendable, Codable, CaseIterable {
        /// A run of the model's sweep (``FittedModel/Sweep``).
        case sweep
        /// A run scored with the model later (``FittedModel/score(_:)``).
        case scored
    }

    /// One compared run.
    public struct Run: Sendable, Equatable, Codable {
        /// Its name.
        public let name: String
        /// Which set it comes from.
        public let origin: Origin
        /// Its aggregate â and sd (``AggregateNoise/sds``: seed noise, or the posterior's).
        public let aggregate: Double
        public let sd: Double
        /// Share of the model's tasks it was scored from.
        public let coverage: Double
        /// Whether the sweep also has a run of this name (the scored run is the one compared).
        public let shadowsSweepRun: Bool

        enum CodingKeys: String, CodingKey {
            case name, origin, aggregate, sd, coverage, shadowsSweepRun = "shadows_sweep_run"
        }

        public init(name: String, origin: Origin, aggregate: Double, sd: Double, coverage: Double,
                    shadowsSweepRun: Bool = false) {
            self.name = name
            self.origin = origin
            self.aggregate = aggregate
            self.sd = sd
            self.coverage = coverage
            self.shadowsSweepRun = shadowsSweepRun
        }
    }

    /// The decision at 95% (two-sided).
    public enum Verdict: String, Sendable, Codable, CaseIterable {
        /// `p_better ≥ 0.975`.
        case aBetter = "a_better"
        /// `p_better ≤ 0.025`.
        case bBetter = "b_better"
        /// Neither: the two runs cannot be told apart at 95%.
        case undecided
    }

    /// Where a run's draws come from: its set's joint law and its index in it.
    public struct Member: Sendable, Equatable {
        /// The run (its aggregate and sd should be those of `noise` at `index`).
        public let run: Run
        /// The joint law of the run's set.
        public let noise: AggregateNoise
        /// The run's index in `noise`.
        public let index: Int

        public init(run: Run, noise: AggregateNoise, index: Int) {
            precondition(noise.aggregates.indices.contains(index), "the run's index lies in its set")
            self.run = run
            self.noise = noise
            self.index = index
        }
    }

    /// Runs A and B.
    public let a: Run
    public let b: Run
    /// `Δ = â_A − â_B`.
    public let difference: Double
    /// The 95% interval of `x_A − x_B` from the draws, `[low, high]`.
    public let differenceInterval: [Double]
    /// `P(x_A > x_B)`.
    public let pBetter: Double
    /// The smallest difference between two complete runs told apart at 95%
    /// (``AggregateNoise/minimumDetectableDifference`` of the sweep's law).
    public let minDetectableDifference: Double
    /// `|Δ| > minDetectableDifference`.
    public let exceedsMinDetectable: Bool
    /// The decision at 95%.
    public let verdict: Verdict
    /// What the draws include (``ScoreUncertainty/Source``).
    public let source: ScoreUncertainty.Source
    /// Joint draws and their seed.
    public let draws: Int
    public let seed: UInt64
    /// What a caller should say beside the numbers: how a name was resolved
    /// when it could mean more than one run (a name both scored and in the
    /// sweep: the scored run is compared; a sweep run whose scored row was
    /// left out: the sweep run is compared).
    public internal(set) var warnings: [AnalysisWarning]

    enum CodingKeys: String, CodingKey {
        case a, b, difference, differenceInterval = "difference_interval", pBetter = "p_better"
        case minDetectableDifference = "min_detectable_difference", exceedsMinDetectable = "exceeds_min_detectable"
        case verdict, source = "uncertainty_source", draws, seed, warnings
    }

    /// The share of draws on one side beyond which two runs are told apart
    /// (``PairwiseComparison/decisive``: one side of a two-sided 95% decision).
    public static let decisive = PairwiseComparison.decisive

    /// Compares two runs given their sets' joint laws.
    ///
    /// - Parameters:
    ///   - a: run A, its set's law and its index there.
    ///   - b: run B, likewise; when it comes from A's set (same ``Origin``) it
    ///     must carry the same law, and both are read from one draw.
    ///   - minDetectableDifference: the minimum detectable difference to compare
    ///     `|Δ|` with (default: that of A's law).
    ///   - draws: joint draws D ≥ 1.
    ///   - seed: seed of the draws: `seed` for the sweep's runs, `~seed` for scored runs.
    /// - Precondition: both laws of one kind (seed noise or posterior) and, across
    ///   two sets, one ``AggregateNoise/scaleSeed``; one law per ``Origin``.
    /// - Complexity: O(D · (n_A + n_B)) for the sizes of the runs' sets (every
    ///   run of a set is drawn, so the streams are those of the whole set).
    public init(a: Member, b: Member, minDetectableDifference: Double? = nil, draws: Int = 2000, seed: UInt64 = 42) {
        precondition(draws >= 1, "at least one draw")
        let sameSet = a.run.origin == b.run.origin
        precondition(!sameSet || a.noise == b.noise, "runs of one set share its law")
        precondition(Self.source(a.noise) == Self.source(b.noise) && a.noise.scaleSeed == b.noise.scaleSeed,
                     "both runs under one model's law")
        func streamSeed(_ origin: Origin) -> UInt64 { origin == .sweep ? seed : ~seed }
        var xa = [Double](repeating: 0, count: a.noise.aggregates.count)
        var xb = sameSet ? [] : [Double](repeating: 0, count: b.noise.aggregates.count)
        var above = 0, ties = 0
        var differences = [Double](repeating: 0, count: draws)
        for d in 0..<draws {
            a.noise.sample(draw: d, seed: streamSeed(a.run.origin), into: &xa)
            if !sameSet { b.noise.sample(draw: d, seed: streamSeed(b.run.origin), into: &xb) }
            let delta = xa[a.index] - (sameSet ? xa[b.index] : xb[b.index])
            if delta > 0 { above += 1 } else if delta == 0 { ties += 1 }
            differences[d] = delta
        }
        differences.sort()
        self.a = a.run
        self.b = b.run
        difference = a.run.aggregate - b.run.aggregate
        differenceInterval = [Statistics.percentileOfSorted(differences, 2.5),
                              Statistics.percentileOfSorted(differences, 97.5)]
        let p = (Double(above) + 0.5 * Double(ties)) / Double(draws)
        pBetter = p
        let mdd = minDetectableDifference ?? a.noise.minimumDetectableDifference
        self.minDetectableDifference = mdd
        exceedsMinDetectable = Swift.abs(difference) > mdd
        verdict = p >= Self.decisive ? .aBetter : (1 - p >= Self.decisive ? .bBetter : .undecided)
        source = Self.source(a.noise)
        self.draws = draws
        self.seed = seed
        warnings = []
    }

    /// Compares two named runs of `model`'s sweep or of `scored`.
    ///
    /// A name is looked up first among the scored runs, then in the sweep: a
    /// name in both is the scored run (``Run/shadowsSweepRun``, and a
    /// ``warnings`` entry says so).
    ///
    /// - Parameters:
    ///   - model: the fitted model; its ``FittedModel/sweepNoise`` and
    ///     ``FittedModel/noise(of:)`` are the laws.
    ///   - a: run A's name.
    ///   - b: run B's name.
    ///   - scored: runs scored with `model` (``FittedModel/score(_:)``), or `nil`.
    ///   - scoredSource: the scored file's name, for messages.
    ///   - notScored: rows of that file left out before scoring (e.g. for their
    ///     status); `scored.skipped` is consulted too.
    ///   - draws: joint draws D ≥ 1 (the analysis' default, 2,000).
    ///   - seed: their seed (the analysis' default, 42: under the same law, two
    ///     sweep runs then get the `p_better` of its `result.json`).
    /// - Throws: ``RunComparisonError/sameRun(name:)`` when `a == b`;
    ///   ``RunComparisonError/unknownRun(name:nearMatches:searched:)`` for a name
    ///   in neither set (with up to five near matches, ``TaskSelection``'s rule);
    ///   ``RunComparisonError/runNotScored(name:source:line:reason:)`` for a row
    ///   of the scored file that was left out;
    ///   ``RunComparisonError/ambiguousRun(name:source:count:)`` for a name held by
    ///   several runs of one set.
    /// - Complexity: O(D · (n + m)) for n sweep runs and m scored runs.
    public init(model: FittedModel, a: String, b: String, scored: RunScores? = nil,
                scoredSource: String = "the scored runs", notScored: [SkippedRun] = [],
                draws: Int = 2000, seed: UInt64 = 42) throws(RunComparisonError) {
        guard a != b else { throw .sameRun(name: a) }
        let sweepNoise = model.sweepNoise
        let scoredNoise = scored.map(model.noise(of:))
        let sweepSource = "the model's sweep (\(model.provenance.sweepSource))"
        let leftOut = notScored + (scored?.skipped ?? [])
        var notes: [AnalysisWarning] = []
        func member(_ name: String) throws(RunComparisonError) -> Member {
            let inSweep = model.sweep.runNames.indices.filter { model.sweep.runNames[$0] == name }
            if let scored, let scoredNoise {
                let rows = scored.runNames.indices.filter { scored.runNames[$0] == name }
                if rows.count > 1 { throw .ambiguousRun(name: name, source: scoredSource, count: rows.count) }
                if let i = rows.first {
                    return Member(run: Run(name: name, origin: .scored, aggregate: scored.aggregate[i],
                                           sd: scoredNoise.sds[i], coverage: scored.coverage[i],
                                           shadowsSweepRun: !inSweep.isEmpty),
                                  noise: scoredNoise, index: i)
                }
            }
            if inSweep.count > 1 { throw .ambiguousRun(name: name, source: sweepSource, count: inSweep.count) }
            if let i = inSweep.first {
                if let row = leftOut.first(where: { $0.run == name }) {
                    notes.append(AnalysisWarning(
                        .runsNotScored,
                        "\(scoredSource):\(row.line): run \"\(name)\" was not scored (\(row.reason)): the sweep's run of that name is compared",
                        subjects: [name]))
                }
                return Member(run: Run(name: name, origin: .sweep, aggregate: model.sweep.aggregate[i],
                                       sd: sweepNoise.sds[i], coverage: model.sweep.coverage[i]),
                              noise: sweepNoise, index: i)
            }
            if let row = leftOut.first(where: { $0.run == name }) {
                throw .runNotScored(name: name, source: scoredSource, line: row.line, reason: row.reason)
            }
            let candidates = (scored?.runNames ?? []) + model.sweep.runNames
            var searched = ["\(sweepSource), \(model.sweep.runNames.count) run(s)"]
            if let scored { searched.append("\(scoredSource), \(scored.runNames.count) run(s)") }
            throw .unknownRun(name: name, nearMatches: TaskSelection.nearMatches(name, in: Self.unique(candidates)),
                              searched: searched)
        }
        let runA = try member(a), runB = try member(b)
        self.init(a: runA, b: runB, minDetectableDifference: sweepNoise.minimumDetectableDifference,
                  draws: draws, seed: seed)
        let shadowing = [runA.run, runB.run].filter(\.shadowsSweepRun).map(\.name)
        if !shadowing.isEmpty {
            notes.insert(AnalysisWarning(
                .duplicateRunNames,
                "\(shadowing.map { "\"\($0)\"" }.joined(separator: " and ")) \(shadowing.count == 1 ? "is" : "are") both a run of \(scoredSource) and of the model's sweep: the run of \(scoredSource) is compared",
                subjects: shadowing), at: 0)
        }
        warnings = notes
    }

    /// The uncertainty source of a law.
    static func source(_ noise: AggregateNoise) -> ScoreUncertainty.Source {
        if case .seed = noise.law { return .seedReplicates }
        return .modelPosterior
    }

    /// `names` without repeats, in order of first appearance.
    static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}

/// Why two runs cannot be compared (``RunComparison/init(model:a:b:scored:scoredSource:notScored:draws:seed:)``).
public enum RunComparisonError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No run of that name in any set searched (each set said with its size);
    /// `nearMatches` are names that match it ignoring case or contain it.
    case unknownRun(name: String, nearMatches: [String], searched: [String])
    /// The name is a row of the scored file that was left out, with its line and why.
    case runNotScored(name: String, source: String, line: Int, reason: String)
    /// Both names are the same.
    case sameRun(name: String)
    /// The name belongs to `count` runs of one set.
    case ambiguousRun(name: String, source: String, count: Int)

    /// Whether the command line was wrong (a name), rather than the data.
    public var isUsageError: Bool {
        switch self {
        case .unknownRun, .sameRun: true
        case .runNotScored, .ambiguousRun: false
        }
    }

    public var description: String {
        switch self {
        case let .unknownRun(name, nearMatches, searched):
            let near = nearMatches.isEmpty
                ? "no name is close (names are compared exactly)"
                : "did you mean \(nearMatches.map { "\"\($0)\"" }.joined(separator: ", "))? (names are case-sensitive)"
            return "no run named \"\(name)\" in \(searched.joined(separator: " or ")); \(near)"
        case let .runNotScored(name, source, line, reason):
            return "\(source):\(line): run \"\(name)\" was not scored (\(reason)), so it cannot be compared"
        case let .sameRun(name):
            return "both runs to compare are \"\(name)\"; name two different runs"
        case let .ambiguousRun(name, source, count):
            return "\"\(name)\" names \(count) runs of \(source); a compared run needs a name of its own (rename the rows)"
        }
    }
}
