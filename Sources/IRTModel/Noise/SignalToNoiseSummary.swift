import Foundation
import Linalg

/// Signal-to-noise of every factor and of the aggregate (METHOD.md §7).
///
/// The replicate runs are put on the sweep's scale — signed, then standardized
/// with the **sweep's** mean and population sd — and projected with the
/// fitted model, `θ_noise = Z_noise B V`. Tasks missing from the noise file
/// are set to 0 (no noise), so the noise variance is then a lower bound; a
/// missing cell of a present task takes the mean of that task's replicates.
public struct SignalToNoiseSummary: Sendable, Equatable {
    /// Per factor, in factor order.
    public let factors: [SignalToNoise]
    /// For the model's aggregate `a = Σ_j c_j θ_j` (``FittedModel/aggregateDefinition``).
    public let aggregate: SignalToNoise
    /// Replicate runs used.
    public let noiseRuns: Int
    /// Projected noise scores (noise runs × k).
    public let noiseScores: Matrix
    /// Caveats a reader must see next to these numbers.
    public let caveats: [AnalysisWarning]

    /// Projects the noise runs and compares variances.
    ///
    /// - Throws: ``AnalysisError/tooFewNoiseRuns(file:needed:actual:)`` below 2 runs; cell errors naming the noise file.
    public init(prepared: PreparedSweep, noise: EvalMatrix, model: FittedModel, sweepScores theta: Matrix) throws(AnalysisError) {
        guard noise.rowCount >= 2 else {
            throw .tooFewNoiseRuns(file: noise.source, needed: 2, actual: noise.rowCount)
        }
        let m = noise.rowCount, p = prepared.tasks.count, k = model.factorCount
        var zNoise = Matrix(rows: m, columns: p)
        var missing = 0
        for (j, task) in prepared.tasks.enumerated() {
            guard noise.hasColumn(task) else { missing += 1; continue }
            let column = try noise.numbers(task)
            let mean = prepared.standardization.means[j], sd = prepared.standardization.standardDeviations[j]
            // A missing replicate cell takes the mean of the replicates that have
            // the task: it adds no spread (0, the sweep's mean, would add some).
            let present = column.compactMap { $0 }
            guard !present.isEmpty else { missing += 1; continue }
            let fill = present.reduce(0, +) / Double(present.count)
            for i in 0..<m {
                zNoise[i, j] = (prepared.signs[j] * (column[i] ?? fill) - mean) / sd
            }
        }
        let thetaNoise = try model.posterior().means(zNoise)
        noiseScores = thetaNoise
        noiseRuns = m
        var factors: [SignalToNoise] = []
        for j in 0..<k {
            factors.append(try SignalToNoise(factor: j + 1, sweep: theta.column(j), noise: thetaNoise.column(j)))
        }
        self.factors = factors
        let aggSweep = model.aggregateDefinition.combine(rows: theta)
        let aggNoise = model.aggregateDefinition.combine(rows: thetaNoise)
        aggregate = try SignalToNoise(factor: nil, sweep: aggSweep, noise: aggNoise)
        let range = SignalToNoise.sampleVarianceRange(runs: m)
        let low = range.lowerBound, high = range.upperBound
        var caveats = [AnalysisWarning(.fewReplicates, "SNR rests on \(m) replicate runs: the estimate can be \(Self.format(1 / high))×–\(Self.format(1 / low))× the true value (95%), so the true SNR lies within about [\(Self.format(low))×, \(Self.format(high))×] of the estimate")]
        let scores = factors + [aggregate]
        func name(_ s: SignalToNoise) -> String { s.factor.map { "θ\($0)" } ?? "the aggregate" }
        // A noise variance at rounding level relative to the sweep's is no measurement either.
        let unbounded = scores.filter { $0.varSweep > 0 && $0.varNoise <= Self.unboundedNoiseShare * $0.varSweep }
        if !unbounded.isEmpty {
            caveats.append(AnalysisWarning(.unboundedSNR, "the replicate runs agree exactly (or to rounding) on \(unbounded.map(name).joined(separator: ", ")) (noise variance 0, or below 1e-12 of the sweep's): its SNR is unbounded and is shown as ∞ or as a lower bound; check that the noise file holds distinct replicate runs", subjects: unbounded.map(name)))
        }
        let below = scores.filter { $0.varNoise > $0.varSweep }
        if !below.isEmpty {
            let worst = below.map(\.noiseShare).max() ?? 1
            caveats.append(AnalysisWarning(.noSignalAboveNoise, "\(below.map(name).joined(separator: ", ")) \(below.count == 1 ? "varies" : "vary") less across the sweep than across the replicate runs (noise variance up to \(Self.format(worst))× the sweep's): no signal above noise, shown as SNR 0 and noise share >100% (the raw ratios are kept in result.json and snr.csv); check that the noise file holds replicates of one mixture, measured like the sweep", subjects: below.map(name)))
        }
        if missing > 0 {
            caveats.append(AnalysisWarning(.tasksMissingFromNoise, "\(missing) task(s) are missing from the noise file and count as noise-free: the noise variance is a lower bound and the SNR an upper bound"))
        }
        self.caveats = caveats
    }

    /// Below this share of the sweep's variance, a score's noise variance is
    /// rounding, not a measurement: its SNR is called unbounded.
    public static let unboundedNoiseShare = 1e-12

    /// One decimal below 1000, then two significant digits ("2.1", "1400", "1.4e+09").
    private static func format(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if Swift.abs(x) < 1000 { return "\((x * 10).rounded() / 10)" }
        if Swift.abs(x) < 1e6 { return "\(Int((x / 100).rounded() * 100))" }
        return String(format: "%.1e", x)
    }
}
