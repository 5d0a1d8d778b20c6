import Foundation
import IRTModel
import Linalg

/// A synthetic mixture sweep: every run's training mixture (D domains in each of P phases,
/// Dirichlet per phase) and θ as a known function of it, so that the mixture step's effects
/// and proposals can be checked against the truth.
///
/// ```
/// w_r,phase ~ Dirichlet(α, …, α)                      (D weights summing to 1, each phase)
/// linear:      g_j(w) = Σ_c B_cj w_c
/// saturating:  g_j(w) = Σ_c B_cj (1 − exp(−w_c D))    (concave in each w_c where B_cj > 0)
/// θ_rj = (g_j(w_r) − m_j) / s_j,    B_cj ~ N(0, 1)
/// ```
///
/// m_j and s_j are the mean and sd of g_j over the drawn runs, so the sweep's θ has mean 0 and
/// sd 1 per factor and θ stays a fixed, known function of the mixture (``trueTheta(_:)``) for
/// any mixture, observed or proposed. The noise-free aggregate is the mean of θ. A score as a
/// sweep would measure it adds seed noise: ``observedTheta(noise:)`` adds N(0, σ²) per run and
/// factor; the sweep file (``writeSweep(to:tasks:seedNoise:)``) measures z = Λ(θ + δ) + ε on the tasks
/// of a ``SyntheticSweep`` structure.
///
/// Columns are `phase_<p>_domain_<d>` (1-based), phase by phase. Streams of the seed: 10 the
/// weights, 11 the coefficients B, 12 the observed-θ noise, 13 the sweep's δ and ε, 14 the noise file's.
public struct SyntheticMixture: Sendable {
    /// How θ depends on the mixture.
    public enum Form: String, Sendable, CaseIterable {
        case linear
        case saturating
    }

    public let runs: Int
    public let domains: Int
    public let phases: Int
    public let factors: Int
    public let seed: UInt64
    public let form: Form
    /// α, the Dirichlet concentration of every domain.
    public let concentration: Double
    /// runs × (domains · phases) weights, each phase's block summing to 1 per run.
    public let weights: Matrix
    /// (domains · phases) × factors: B, the true coefficients of g.
    public let coefficients: Matrix
    /// m_j and s_j: θ_j = (g_j − m_j)/s_j.
    public let center: [Double]
    public let spread: [Double]

    /// Draws the mixtures and the coefficients.
    ///
    /// - Parameters:
    ///   - runs: n ≥ 2.
    ///   - domains: D ≥ 2 per phase.
    ///   - phases: P ≥ 1.
    ///   - factors: k ≥ 1.
    ///   - seed: every draw derives from it.
    ///   - form: linear or saturating.
    ///   - concentration: α > 0; 1 by default (uniform on each simplex).
    /// - Precondition: the ranges above.
    /// - Complexity: O(n D P k).
    public init(runs: Int, domains: Int, phases: Int, factors: Int, seed: UInt64, form: Form = .linear,
                concentration: Double = 1) {
        precondition(runs >= 2 && domains >= 2 && phases >= 1 && factors >= 1 && concentration > 0,
                     "SyntheticMixture needs runs ≥ 2, domains ≥ 2, phases ≥ 1, factors ≥ 1, concentration > 0")
        self.runs = runs
        self.domains = domains
        self.phases = phases
        self.factors = factors
        self.seed = seed
        self.form = form
        self.concentration = concentration
        let columns = domains * phases
        var rng = Xoshiro256StarStar(seed: seed).stream(10)
        var chi = ChiSquareSampler()
        var w = Matrix(rows: runs, columns: columns)
        for r in 0..<runs {
            for p in 0..<phases {
                var g = (0..<domains).map { _ in chi.next(degreesOfFreedom: 2 * concentration, using: &rng) / 2 }
                let total = g.reduce(0, +)
                if total > 0 { g = g.map { $0 / total } } else { g = [Double](repeating: 1 / Double(domains), count: domains) }
                for d in 0..<domains { w[r, p * domains + d] = g[d] }
            }
        }
        weights = w
        var coefficientRNG = Xoshiro256StarStar(seed: seed).stream(11)
        var normal = NormalSampler()
        let b = Matrix(rows: columns, columns: factors) { _, _ in normal.next(using: &coefficientRNG) }
        coefficients = b
        var sums = [Double](repeating: 0, count: factors), squares = sums
        for r in 0..<runs {
            let g = Self.raw(w.row(r), coefficients: b, domains: domains, form: form)
            for j in 0..<factors {
                sums[j] += g[j]
                squares[j] += g[j] * g[j]
            }
        }
        let means = sums.map { $0 / Double(runs) }
        center = means
        spread = (0..<factors).map { j in
            let v = (squares[j] - Double(runs) * means[j] * means[j]) / Double(runs - 1)
            return v > 0 ? v.squareRoot() : 1
        }
    }

    /// The column name of domain d of phase p (0-based): `phase_<p+1>_domain_<d+1>`.
    public static func columnName(phase p: Int, domain d: Int) -> String { "phase_\(p + 1)_domain_\(d + 1)" }

    /// Every weight column, phase by phase.
    public var columnNames: [String] {
        (0..<phases).flatMap { p in (0..<domains).map { Self.columnName(phase: p, domain: $0) } }
    }

    /// g(w) before standardization.
    private static func raw(_ w: [Double], coefficients: Matrix, domains: Int, form: Form) -> [Double] {
        (0..<coefficients.columns).map { j in
            var s = 0.0
            for c in 0..<coefficients.rows {
                let exposure = form == .linear ? w[c] : 1 - exp(-w[c] * Double(domains))
                s += coefficients[c, j] * exposure
            }
            return s
        }
    }

    /// θ(w) = (g(w) − m)/s, the noise-free factor scores of any mixture w (D · P weights).
    public func trueTheta(_ w: [Double]) -> [Double] {
        let g = Self.raw(w, coefficients: coefficients, domains: domains, form: form)
        return (0..<factors).map { (g[$0] - center[$0]) / spread[$0] }
    }

    /// The noise-free aggregate of any mixture: the mean of θ(w).
    public func trueAggregate(_ w: [Double]) -> Double { trueTheta(w).reduce(0, +) / Double(factors) }

    /// The true θ of every run (n × k).
    public var theta: Matrix {
        let rows = (0..<runs).map { trueTheta(weights.row($0)) }
        return Matrix(rows: runs, columns: factors) { r, j in rows[r][j] }
    }

    /// For the linear form, ∂θ_j/∂w_c = B_cj / s_j: the true linear coefficients (columns × factors).
    public var trueCoefficients: Matrix {
        Matrix(rows: domains * phases, columns: factors) { c, j in coefficients[c, j] / spread[j] }
    }

    /// θ plus seed noise N(0, noise²) per run and factor (n × k), from stream 12.
    public func observedTheta(noise: Double) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed).stream(12)
        var normal = NormalSampler()
        let truth = theta
        return Matrix(rows: runs, columns: factors) { r, j in truth[r, j] + noise * normal.next(using: &rng) }
    }

    /// The run names, `run_00001`, … (those of ``SyntheticSweep``).
    public var runNames: [String] { (0..<runs).map(SyntheticSweep.runName) }

    /// The mixture CSV: `run_name` and the weight columns, one row per run.
    public var mixtureCSV: String {
        var text = "run_name," + columnNames.joined(separator: ",") + "\n"
        for r in 0..<runs {
            text += SyntheticSweep.runName(r) + "," + weights.row(r).map(\.description).joined(separator: ",") + "\n"
        }
        return text
    }

    /// Writes ``mixtureCSV``.
    ///
    /// - Throws: the file system's error when `url` cannot be written.
    public func writeMixture(to url: URL) throws {
        try Data(mixtureCSV.utf8).write(to: url)
    }

    /// Writes the noise-free truth: `run_name,theta_1,…,theta_k,aggregate`.
    ///
    /// - Throws: the file system's error when `url` cannot be written.
    public func writeTruth(to url: URL) throws {
        var text = "run_name," + (1...factors).map { "theta_\($0)" }.joined(separator: ",") + ",aggregate\n"
        let truth = theta
        for r in 0..<runs {
            let row = truth.row(r)
            text += SyntheticSweep.runName(r) + "," + row.map(\.description).joined(separator: ",")
                + "," + (row.reduce(0, +) / Double(factors)).description + "\n"
        }
        try Data(text.utf8).write(to: url)
    }

    /// Writes a sweep CSV (`run_name,status,` + the tasks of ``SyntheticSweep``) whose runs measure
    /// z = Λ(θ_r + δ_r) + ε_r, θ_r this mixture's truth, δ_r ~ N(0, seedNoise² I) and ε_r ~ N(0, Ψ),
    /// with Λ, Ψ and the bpb levels of `SyntheticSweep(runs:tasks:factors:seed:)` (stream 13).
    ///
    /// - Parameters:
    ///   - url: the file to write.
    ///   - tasks: the metric columns (≥ factors).
    ///   - seedNoise: σ_s ≥ 0.
    /// - Throws: the file system's error when `url` cannot be written.
    /// - Complexity: O(n p k).
    public func writeSweep(to url: URL, tasks: Int, seedNoise: Double) throws {
        let truth = theta
        try writeMeasured(to: url, tasks: tasks, seedNoise: seedNoise, stream: 13,
                          rows: (0..<runs).map { (SyntheticSweep.runName($0), truth.row($0)) })
    }

    /// Writes a noise CSV of `replicates` rows `noise_seed_<i>`, each a retraining of run 1's mixture
    /// with another seed: z = Λ(θ₁ + δ) + ε as in ``writeSweep(to:tasks:seedNoise:)`` (stream 14).
    ///
    /// - Throws: the file system's error when `url` cannot be written.
    public func writeNoise(to url: URL, tasks: Int, seedNoise: Double, replicates: Int) throws {
        let first = trueTheta(weights.row(0))
        try writeMeasured(to: url, tasks: tasks, seedNoise: seedNoise, stream: 14,
                          rows: (0..<replicates).map { ("noise_seed_\($0 + 1)", first) })
    }

    private func writeMeasured(to url: URL, tasks: Int, seedNoise: Double, stream: Int,
                               rows: [(String, [Double])]) throws {
        let structure = SyntheticSweep(runs: runs, tasks: tasks, factors: factors, seed: seed)
        var rng = Xoshiro256StarStar(seed: seed).stream(stream)
        var normal = NormalSampler()
        var text = "run_name,status," + structure.taskNames.joined(separator: ",") + "\n"
        for (name, theta) in rows {
            let shifted = (0..<factors).map { theta[$0] + seedNoise * normal.next(using: &rng) }
            var fields = [name, "completed"]
            for t in 0..<tasks {
                var z = 0.0
                for j in 0..<factors { z += structure.loadings[t, j] * shifted[j] }
                z += structure.psi[t].squareRoot() * normal.next(using: &rng)
                fields.append((structure.baselines[t] - structure.scales[t] * z).description)
            }
            text += fields.joined(separator: ",") + "\n"
        }
        try Data(text.utf8).write(to: url)
    }
}
