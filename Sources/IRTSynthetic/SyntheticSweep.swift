import Foundation
import IRTModel
import Linalg

/// A synthetic evaluation sweep with a known non-negative factor structure and
/// seed noise, for benchmarks at any size, for checks that a fit recovers what
/// was put in, and for checks that uncertainty intervals cover a known truth.
///
/// ```
/// z_r = Λ (θ_r + δ_r) + ε_r,   θ_r ~ N(0, I_k),   δ_r ~ N(0, σ_s² I_k),   ε_r ~ N(0, Ψ)
/// Λ ≥ 0,   ψ_t = 1 − Σ_j λ_tj²
/// bpb_rt = base_t − scale_t · z_rt           (lower is better, as a real bpb)
/// ```
///
/// The sweep file holds bpb-like numbers whose sign flip is the model's
/// higher-is-better score z. θ_r is run r's *mixture*: what the run would score
/// with no seed noise, its noise-free truth; its noise-free aggregate is
/// `ā_r = (1/k) Σ_j θ_rj`. A run's seed noise has two parts, both drawn afresh for every run (sweep rows and
/// replicate rows alike): δ_r, a common component in score space (a lucky seed
/// is better on many tasks at once), and ε_r, independent per task.
///
/// Mathematical properties:
/// - Replicates of one mixture (runs that differ only in their seed) have
///   covariance `Cov(z) = σ_s² ΛΛᵀ + Ψ`: with σ_s > 0 their seed noise is
///   correlated across tasks, `Cov(z_t, z_u) = σ_s² λ_tᵀλ_u` for t ≠ u.
/// - The seed noise of the aggregate in score space, `(1/k) Σ_j (θ_rj + δ_rj) − ā_r`,
///   has sd `σ_s / √k`.
/// - Across sweep runs `Var(z_t) = (1 + σ_s²) Σ_j λ_tj² + ψ_t`, and a task's
///   noise share is `(σ_s² Σ_j λ_tj² + ψ_t) / Var(z_t)`. With the default σ_s = 0
///   every task has unit variance and the seed noise is exactly the uniqueness ψ_t.
///
/// Λ is sparse-ish: each task loads on factor `t mod k` with λ ∈ [0.45, 0.85) and on
/// each other factor with probability ¼, λ ∈ [0, 0.3); rows are shrunk so
/// that `Σ_j λ_tj² ≤ 0.9` (hence ψ ≥ 0.1). A ``Shape`` adds what makes a fit
/// hard: near-zero cross-loadings (which sit on the `Λ ≥ 0` bound or just off
/// it) and Heywood-prone tasks (ψ near 0); the default shape adds neither and
/// draws exactly the sweep it always drew.
///
/// The noise file holds ``noiseRuns`` replicates of each of ``replicateMixtures``
/// mixtures, differing only in δ and ε. With one mixture (the default) it is
/// θ = (½, …, ½) and the rows are `noise_seed_<i>`; with m > 1 mixtures they are
/// the true θ of sweep runs 1…m, so each of those runs has replicates (its
/// mixture retrained with other seeds): the rows are `<run>_seed_<i>` and a
/// `replicate_group` column names the run.
///
/// Columns are `run_name,status` (then `replicate_group` in a noise file with
/// m > 1) and `eval/paloma/synthetic_<j>/bpb` (j from 1), which
/// ``TaskSelection/reference`` selects, lower-is-better. Everything is a function
/// of the seed, each part from its own ``Xoshiro256StarStar`` stream (0: Λ and
/// the bpb levels; 1: the sweep's θ and ε; 2: the replicates' ε; 3: the sweep's δ;
/// 4: the replicates' δ). Nothing is drawn for δ when σ_s = 0, so the defaults
/// write byte for byte the files of versions without seed noise, and a sweep with
/// σ_s > 0 has the same θ and ε as the one without. Rows are generated one at a
/// time, so writing a 20,000 × 1,000 file needs O(p·k) memory.
///
/// - Complexity: drawing the structure is O(p k); writing the sweep O(n p k) time,
///   the noise file O((m + m · noiseRuns) p k) time; the sweep, noise and truth
///   writers need O(p k + m k) memory.
public struct SyntheticSweep: Sendable {
    /// Runs (rows) n.
    public let runs: Int
    /// Tasks (metric columns) p.
    public let tasks: Int
    /// Factors k.
    public let factors: Int
    /// The seed every random number derives from.
    public let seed: UInt64
    /// Replicate rows of the noise file per mixture.
    public let noiseRuns: Int
    /// σ_s, the sd of the seed component δ_r ~ N(0, σ_s² I_k) added to every
    /// run's θ (0: none, the seed noise is ε alone).
    public let seedNoiseTheta: Double
    /// m, the mixtures replicated in the noise file: 1 is θ = (½, …, ½); m > 1
    /// is the true θ of sweep runs 1…m.
    public let replicateMixtures: Int
    /// True loadings Λ (p × k, non-negative).
    public let loadings: Matrix
    /// True uniquenesses ψ (p), `1 − Σ_j λ_tj²`.
    public let psi: [Double]
    /// Per task, the bpb of an average run.
    public let baselines: [Double]
    /// Per task, bpb units per unit of z.
    public let scales: [Double]
    /// The structure's hard features.
    public let shape: Shape

    /// Features of Λ and ψ that make an EM fit hard, on top of the sparse-ish
    /// structure above. The default adds none.
    public struct Shape: Sendable, Equatable {
        /// Share of the cross-loadings that would be 0 which instead get a
        /// near-zero value `λ ∈ [0.001, 0.011)`: the fitted loadings then sit
        /// on the `Λ ≥ 0` bound or just off it, and the active set (which
        /// loadings are 0) keeps changing along the EM path.
        public var nearZeroCrossLoadings: Double
        /// The last this many tasks are Heywood-prone: one loading
        /// `λ = √(1 − heywoodUniqueness)` on their own factor and nothing else,
        /// so their ψ is near 0 and the ML estimate tends to the ψ floor.
        public var heywoodTasks: Int
        /// True ψ of a Heywood-prone task.
        public var heywoodUniqueness: Double

        /// - Parameters:
        ///   - nearZeroCrossLoadings: in [0, 1]; 0 by default.
        ///   - heywoodTasks: at least 0; 0 by default.
        ///   - heywoodUniqueness: in (0, 1); 0.002 by default (a task 99.8% explained).
        public init(nearZeroCrossLoadings: Double = 0, heywoodTasks: Int = 0, heywoodUniqueness: Double = 0.002) {
            self.nearZeroCrossLoadings = nearZeroCrossLoadings
            self.heywoodTasks = heywoodTasks
            self.heywoodUniqueness = heywoodUniqueness
        }
    }

    /// Draws the structure (Λ, ψ, bpb levels and scales) from `seed`; the runs
    /// are drawn when written.
    ///
    /// - Parameters:
    ///   - runs: n ≥ 1, the sweep's rows.
    ///   - tasks: p ≥ 1, the metric columns.
    ///   - factors: k in 1…p.
    ///   - seed: every random number derives from it.
    ///   - noiseRuns: replicate rows per mixture in the noise file, ≥ 0; 10 by default.
    ///   - shape: the structure's hard features; none by default.
    ///   - seedNoiseTheta: σ_s ≥ 0 (finite), the sd per factor of the common seed
    ///     component δ_r; 0 by default, which draws nothing more and writes
    ///     the files of versions without it.
    ///   - replicateMixtures: m in 1…runs; 1 by default (the single mixture
    ///     θ = (½, …, ½), the noise file's layout of versions without it).
    /// - Precondition: the ranges above, and a shape within its documented ranges.
    public init(runs: Int, tasks: Int, factors: Int, seed: UInt64, noiseRuns: Int = 10, shape: Shape = Shape(),
                seedNoiseTheta: Double = 0, replicateMixtures: Int = 1) {
        precondition(runs >= 1 && tasks >= 1 && factors >= 1 && factors <= tasks && noiseRuns >= 0,
                     "SyntheticSweep needs runs ≥ 1, tasks ≥ 1, 1 ≤ factors ≤ tasks, noiseRuns ≥ 0")
        precondition(seedNoiseTheta.isFinite && seedNoiseTheta >= 0 && (1...runs).contains(replicateMixtures),
                     "SyntheticSweep needs a finite seedNoiseTheta ≥ 0 and 1 ≤ replicateMixtures ≤ runs")
        self.seedNoiseTheta = seedNoiseTheta
        self.replicateMixtures = replicateMixtures
        precondition((0...1).contains(shape.nearZeroCrossLoadings) && shape.heywoodTasks >= 0
                     && shape.heywoodUniqueness > 0 && shape.heywoodUniqueness < 1,
                     "SyntheticSweep.Shape needs nearZeroCrossLoadings in [0, 1], heywoodTasks ≥ 0, heywoodUniqueness in (0, 1)")
        self.shape = shape
        self.runs = runs
        self.tasks = tasks
        self.factors = factors
        self.seed = seed
        self.noiseRuns = noiseRuns
        var rng = Xoshiro256StarStar(seed: seed).stream(0)
        func uniform() -> Double { Double(rng.next() >> 11) * 0x1.0p-53 }
        var lambda = Matrix(rows: tasks, columns: factors)
        var psi = [Double](repeating: 0, count: tasks)
        var baselines = [Double](repeating: 0, count: tasks)
        var scales = [Double](repeating: 0, count: tasks)
        for t in 0..<tasks {
            var ss = 0.0
            for j in 0..<factors {
                let value: Double
                if j == t % factors {
                    value = 0.45 + 0.4 * uniform()
                } else if uniform() < 0.25 {
                    value = 0.3 * uniform()
                } else if shape.nearZeroCrossLoadings > 0, uniform() < shape.nearZeroCrossLoadings {
                    // Draws only with the option on: the default stream is unchanged.
                    value = 0.001 + 0.01 * uniform()
                } else {
                    value = 0
                }
                lambda[t, j] = value
                ss += value * value
            }
            if ss > 0.9 {
                let shrink = (0.9 / ss).squareRoot()
                for j in 0..<factors { lambda[t, j] *= shrink }
                ss = 0.9
            }
            if t >= tasks - shape.heywoodTasks {
                for j in 0..<factors { lambda[t, j] = j == t % factors ? (1 - shape.heywoodUniqueness).squareRoot() : 0 }
                ss = 1 - shape.heywoodUniqueness
            }
            psi[t] = 1 - ss
            baselines[t] = 0.7 + 0.8 * uniform()
            scales[t] = 0.01 + 0.04 * uniform()
        }
        loadings = lambda
        self.psi = psi
        self.baselines = baselines
        self.scales = scales
    }

    /// The name of task `j` (0-based): `eval/paloma/synthetic_<j+1>/bpb`.
    public static func taskName(_ j: Int) -> String { "eval/paloma/synthetic_\(j + 1)/bpb" }

    /// All task names, in column order.
    public var taskNames: [String] { (0..<tasks).map(Self.taskName) }

    /// The name of sweep row `r` (0-based).
    public static func runName(_ r: Int) -> String {
        let digits = String(r + 1)
        return "run_" + String(repeating: "0", count: Swift.max(0, 5 - digits.count)) + digits
    }

    /// The name of each replicated mixture, in the noise file's order: `noise`
    /// for the single mixture θ = (½, …, ½), else the sweep runs `run_00001`…
    /// whose θ the mixtures are (the `replicate_group` column's values).
    public var replicateGroups: [String] {
        replicateMixtures == 1 ? ["noise"] : (0..<replicateMixtures).map(Self.runName)
    }

    /// The noise file's row names, mixture by mixture: `<group>_seed_<i>` (i from 1),
    /// so `noise_seed_<i>` with one mixture.
    public var replicateNames: [String] {
        replicateGroups.flatMap { group in (0..<noiseRuns).map { "\(group)_seed_\($0 + 1)" } }
    }

    /// The noise-free truth of each replicated mixture (m × k): θ = (½, …, ½)
    /// with m = 1, else the true θ of sweep runs 1…m (rows 0…m−1 of ``trueScores()``).
    ///
    /// - Complexity: O(m p k) time (those sweep rows are drawn again), m × k memory.
    public func mixtures() -> Matrix {
        guard replicateMixtures > 1 else { return Matrix(rows: 1, columns: factors, repeating: 0.5) }
        var theta = Matrix(rows: replicateMixtures, columns: factors)
        var row = [Double](repeating: 0, count: tasks)
        var generator = RowGenerator(self, stream: 1, seedStream: nil)
        for r in 0..<replicateMixtures {
            generator.nextSweepRow(into: &row)
            for j in 0..<factors { theta[r, j] = generator.theta[j] }
        }
        return theta
    }

    /// The higher-is-better scores `z = Λ(θ + δ) + ε` of every run (n × p), the
    /// values the sweep file encodes (`bpb = base − scale · z`).
    ///
    /// - Complexity: O(n p k) time, n × p memory (use ``writeSweep(to:)`` at scale).
    public func signedScores() -> Matrix {
        var z = Matrix(rows: runs, columns: tasks)
        forEachSweepRow { r, row in
            for t in 0..<tasks { z[r, t] = row[t] }
        }
        return z
    }

    /// The true factor scores θ of every run (n × k), as drawn for ``signedScores()``
    /// and ``writeSweep(to:)`` (the same stream): the runs' noise-free truth,
    /// what a fit's θ̂ should recover (δ, the seed's share, is not part of it).
    ///
    /// - Complexity: O(n p k) time (the rows are drawn again), n × k memory.
    public func trueScores() -> Matrix {
        var theta = Matrix(rows: runs, columns: factors)
        var row = [Double](repeating: 0, count: tasks)
        var generator = RowGenerator(self, stream: 1, seedStream: nil)
        for r in 0..<runs {
            generator.nextSweepRow(into: &row)
            for j in 0..<factors { theta[r, j] = generator.theta[j] }
        }
        return theta
    }

    /// The higher-is-better scores `z = Λ(θ_g + δ) + ε` of the noise file's rows
    /// (m · noiseRuns × p, in ``replicateNames`` order), θ_g their mixture's.
    ///
    /// - Complexity: O((m + m · noiseRuns) p k) time, m · noiseRuns × p memory.
    public func replicateScores() -> Matrix {
        var z = Matrix(rows: replicateMixtures * noiseRuns, columns: tasks)
        forEachReplicateRow { i, _, _, row in
            for t in 0..<tasks { z[i, t] = row[t] }
        }
        return z
    }

    /// Writes the true θ of every run as CSV: `run_name,theta_1,…,theta_k`.
    ///
    /// ``writeTruth(to:includingReplicates:)`` adds the aggregate and the replicates.
    ///
    /// - Throws: the file system's error when `url` cannot be written.
    public func writeTrueScores(to url: URL) throws {
        let theta = trueScores()
        var text = "run_name," + (1...factors).map { "theta_\($0)" }.joined(separator: ",") + "\n"
        for r in 0..<runs {
            text += Self.runName(r) + "," + theta.row(r).map(\.description).joined(separator: ",") + "\n"
        }
        try Data(text.utf8).write(to: url)
    }

    /// Writes the noise-free truth as CSV: `run_name,theta_1,…,theta_k,aggregate`,
    /// every sweep run's θ_r and `aggregate = (1/k) Σ_j θ_rj`, then (with
    /// `includingReplicates`) every row of the noise file with its mixture's θ.
    ///
    /// The truth is θ without the seed component δ: what an interval for a
    /// run's score (or aggregate) should cover.
    ///
    /// - Parameters:
    ///   - url: the file to write.
    ///   - includingReplicates: also the ``replicateNames`` rows; false by default.
    /// - Throws: the file system's error when `url` cannot be written.
    /// - Complexity: O(n p k) time (the rows are drawn again), O(p k + m k) memory.
    public func writeTruth(to url: URL, includingReplicates: Bool = false) throws {
        var writer = try CSVFileWriter(url: url)
        try writer.writeFields(["run_name"] + (1...factors).map { "theta_\($0)" } + ["aggregate"])
        func write(_ name: String, _ theta: [Double]) throws {
            let aggregate = theta.reduce(0, +) / Double(factors)
            try writer.writeFields([name] + theta.map(\.description) + [aggregate.description])
        }
        var row = [Double](repeating: 0, count: tasks)
        var generator = RowGenerator(self, stream: 1, seedStream: nil)
        for r in 0..<runs {
            generator.nextSweepRow(into: &row)
            try write(Self.runName(r), generator.theta)
        }
        if includingReplicates {
            let theta = mixtures(), names = replicateNames
            for g in 0..<replicateMixtures {
                for i in 0..<noiseRuns { try write(names[g * noiseRuns + i], theta.row(g)) }
            }
        }
        try writer.close()
    }

    /// Writes the sweep CSV (`run_name,status,` + task columns; every run `completed`).
    ///
    /// - Throws: the file system's error when `url` cannot be written.
    /// - Complexity: O(n p k) time, O(p k) memory.
    public func writeSweep(to url: URL) throws {
        var writer = try CSVFileWriter(url: url)
        writer.writeHeader(tasks: taskNames)
        try forEachSweepRow { r, row in
            try writer.writeRow(name: Self.runName(r), z: row, baselines: baselines, scales: scales)
        }
        try writer.close()
    }

    /// Writes the noise CSV: ``noiseRuns`` replicates of each mixture of ``mixtures()``,
    /// rows ``replicateNames``. With one mixture the columns are those of the
    /// sweep; with more, `replicate_group` (the mixture's sweep run) follows `status`.
    ///
    /// - Throws: the file system's error when `url` cannot be written.
    /// - Complexity: O((m + m · noiseRuns) p k) time, O(p k + m k) memory.
    public func writeNoise(to url: URL) throws {
        var writer = try CSVFileWriter(url: url)
        let grouped = replicateMixtures > 1, groups = replicateGroups
        writer.writeHeader(tasks: taskNames, group: grouped ? "replicate_group" : nil)
        try forEachReplicateRow { _, g, seed, row in
            try writer.writeRow(name: "\(groups[g])_seed_\(seed + 1)", group: grouped ? groups[g] : nil,
                                z: row, baselines: baselines, scales: scales)
        }
        try writer.close()
    }

    /// Calls `body(r, z_r)` for every sweep row in order, z_r = Λ(θ_r + δ_r) + ε_r.
    private func forEachSweepRow(_ body: (Int, [Double]) throws -> Void) rethrows {
        var row = [Double](repeating: 0, count: tasks)
        var generator = RowGenerator(self, stream: 1, seedStream: 3)
        for r in 0..<runs {
            generator.nextSweepRow(into: &row)
            try body(r, row)
        }
    }

    /// Calls `body(i, g, seed, z)` for every noise-file row i in order: seed
    /// `seed` (0-based) of mixture g, z = Λ(θ_g + δ) + ε.
    private func forEachReplicateRow(_ body: (Int, Int, Int, [Double]) throws -> Void) rethrows {
        let thetas = mixtures()
        var row = [Double](repeating: 0, count: tasks)
        var generator = RowGenerator(self, stream: 2, seedStream: 4)
        for g in 0..<replicateMixtures {
            let theta = thetas.row(g)
            for i in 0..<noiseRuns {
                generator.nextReplicateRow(of: theta, into: &row)
                try body(g * noiseRuns + i, g, i, row)
            }
        }
    }
}

/// Draws rows `z = Λ(θ + δ) + ε` one at a time: θ and ε from one random
/// stream, δ (only when σ_s > 0 and a seed stream is given) from another.
private struct RowGenerator {
    let lambda: [Double]
    let sdPsi: [Double]
    let p: Int, k: Int
    var rng: Xoshiro256StarStar
    var normal = NormalSampler()
    /// The current row's θ, its noise-free truth.
    var theta: [Double]
    /// Whether δ is drawn; σ_s and its own stream and sampler.
    let drawsSeed: Bool
    let seedSD: Double
    var seedRNG: Xoshiro256StarStar
    var seedNormal = NormalSampler()
    /// θ + δ of the current row.
    var shifted: [Double]

    init(_ sweep: SyntheticSweep, stream: Int, seedStream: Int?) {
        lambda = sweep.loadings.elements
        sdPsi = sweep.psi.map { $0.squareRoot() }
        p = sweep.tasks
        k = sweep.factors
        let root = Xoshiro256StarStar(seed: sweep.seed)
        rng = root.stream(stream)
        theta = [Double](repeating: 0, count: sweep.factors)
        shifted = theta
        drawsSeed = seedStream != nil && sweep.seedNoiseTheta > 0
        seedSD = sweep.seedNoiseTheta
        seedRNG = drawsSeed ? root.stream(seedStream!) : root
    }

    mutating func nextSweepRow(into row: inout [Double]) {
        for j in 0..<k { theta[j] = normal.next(using: &rng) }
        fill(&row)
    }

    mutating func nextReplicateRow(of mixture: [Double], into row: inout [Double]) {
        for j in 0..<k { theta[j] = mixture[j] }
        fill(&row)
    }

    private mutating func fill(_ row: inout [Double]) {
        if drawsSeed {
            for j in 0..<k { shifted[j] = theta[j] + seedSD * seedNormal.next(using: &seedRNG) }
        } else {
            for j in 0..<k { shifted[j] = theta[j] }
        }
        for t in 0..<p {
            var s = 0.0
            for j in 0..<k { s += lambda[t + j * p] * shifted[j] }
            row[t] = s + sdPsi[t] * normal.next(using: &rng)
        }
    }
}

/// A buffered CSV writer: one `write` per megabyte, not per cell.
private struct CSVFileWriter {
    let handle: FileHandle
    var buffer: [UInt8] = []

    init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(1 << 20)
    }

    /// `run_name,status`, then `group` when given, then the tasks.
    mutating func writeHeader(tasks: [String], group: String? = nil) {
        append("run_name,status")
        if let group { append(","); append(group) }
        for name in tasks { append(","); append(name) }
        append("\n")
    }

    /// One run: its name, `completed`, its `group` when given, and `bpb = base − scale · z` per task.
    mutating func writeRow(name: String, group: String? = nil, z: [Double], baselines: [Double], scales: [Double]) throws {
        append(name)
        append(",completed")
        if let group { append(","); append(group) }
        for t in z.indices {
            append(",")
            append((baselines[t] - scales[t] * z[t]).description)
        }
        append("\n")
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// One line of comma-separated fields (none of which needs quoting).
    mutating func writeFields(_ fields: [String]) throws {
        append(fields.joined(separator: ","))
        append("\n")
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func append(_ s: String) { buffer.append(contentsOf: s.utf8) }

    mutating func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        try flush()
        try handle.close()
    }
}
