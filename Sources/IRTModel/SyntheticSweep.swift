import Foundation
import Linalg

/// A synthetic evaluation sweep with a known non-negative factor structure,
/// for benchmarks at any size and for checks that a fit recovers what was put in.
///
/// ```
/// z_r = Λ θ_r + ε_r,   θ_r ~ N(0, I_k),   ε_r ~ N(0, Ψ),   Λ ≥ 0,   ψ_t = 1 − Σ_j λ_tj²
/// bpb_rt = base_t − scale_t · z_rt           (lower is better, as a real bpb)
/// ```
///
/// so every task has unit variance in z and the sweep file holds bpb-like
/// numbers whose sign flip is the model's higher-is-better score. Λ is
/// sparse-ish: each task loads on factor `t mod k` with λ ∈ [0.45, 0.85) and on
/// each other factor with probability ¼, λ ∈ [0, 0.3); rows are shrunk so
/// that `Σ_j λ_tj² ≤ 0.9` (hence ψ ≥ 0.1). A ``Shape`` adds what makes a fit
/// hard: near-zero cross-loadings (which sit on the `Λ ≥ 0` bound or just off
/// it) and Heywood-prone tasks (ψ near 0); the default shape adds neither and
/// draws exactly the sweep it always drew.
///
/// The noise file holds ``noiseRuns`` replicates of one mixture
/// (θ = (½, …, ½)) that differ only in ε: the seed noise is exactly the
/// uniqueness, so a task's noise share is ≈ ψ_t.
///
/// Columns are `run_name,status` and then `eval/paloma/synthetic_<j>/bpb`
/// (j from 1), which ``TaskSelection/reference`` selects, lower-is-better.
/// Everything is a function of the seed; rows are generated one at a time, so
/// writing a 20,000 × 1,000 file needs O(p·k) memory.
public struct SyntheticSweep: Sendable {
    /// Runs (rows) n.
    public let runs: Int
    /// Tasks (metric columns) p.
    public let tasks: Int
    /// Factors k.
    public let factors: Int
    /// The seed every random number derives from.
    public let seed: UInt64
    /// Replicate rows of the noise file.
    public let noiseRuns: Int
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

    /// Draws the structure (Λ, ψ, bpb levels and scales) from `seed`.
    ///
    /// - Precondition: `runs ≥ 1`, `tasks ≥ 1`, `1 ≤ factors ≤ tasks`, `noiseRuns ≥ 0`,
    ///   and a shape within its documented ranges.
    public init(runs: Int, tasks: Int, factors: Int, seed: UInt64, noiseRuns: Int = 10, shape: Shape = Shape()) {
        precondition(runs >= 1 && tasks >= 1 && factors >= 1 && factors <= tasks && noiseRuns >= 0,
                     "SyntheticSweep needs runs ≥ 1, tasks ≥ 1, 1 ≤ factors ≤ tasks, noiseRuns ≥ 0")
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

    /// The higher-is-better scores `z = Λθ + ε` of every run (n × p), the
    /// values the sweep file encodes (`bpb = base − scale · z`).
    ///
    /// - Complexity: O(n p k) time, n × p memory (use ``writeSweep(to:)`` at scale).
    public func signedScores() -> Matrix {
        var z = Matrix(rows: runs, columns: tasks)
        var row = [Double](repeating: 0, count: tasks)
        var generator = RowGenerator(self, stream: 1)
        for r in 0..<runs {
            generator.nextSweepRow(into: &row)
            for t in 0..<tasks { z[r, t] = row[t] }
        }
        return z
    }

    /// The true factor scores θ of every run (n × k), as drawn for ``signedScores()``
    /// and ``writeSweep(to:)`` (the same stream): what a fit's θ̂ should recover.
    ///
    /// - Complexity: O(n p k) time (the rows are drawn again), n × k memory.
    public func trueScores() -> Matrix {
        var theta = Matrix(rows: runs, columns: factors)
        var row = [Double](repeating: 0, count: tasks)
        var generator = RowGenerator(self, stream: 1)
        for r in 0..<runs {
            generator.nextSweepRow(into: &row)
            for j in 0..<factors { theta[r, j] = generator.theta[j] }
        }
        return theta
    }

    /// Writes the true θ of every run as CSV: `run_name,theta_1,…,theta_k`.
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

    /// Writes the sweep CSV (`run_name,status,` + task columns; every run `completed`).
    ///
    /// - Throws: the file system's error when `url` cannot be written.
    /// - Complexity: O(n p k) time, O(p k) memory.
    public func writeSweep(to url: URL) throws {
        var writer = try CSVFileWriter(url: url)
        writer.writeHeader(tasks: taskNames)
        var row = [Double](repeating: 0, count: tasks)
        var generator = RowGenerator(self, stream: 1)
        for r in 0..<runs {
            generator.nextSweepRow(into: &row)
            try writer.writeRow(name: Self.runName(r), z: row, baselines: baselines, scales: scales)
        }
        try writer.close()
    }

    /// Writes the noise CSV: ``noiseRuns`` replicates of the mixture θ = (½, …, ½).
    ///
    /// - Throws: the file system's error when `url` cannot be written.
    public func writeNoise(to url: URL) throws {
        var writer = try CSVFileWriter(url: url)
        writer.writeHeader(tasks: taskNames)
        var row = [Double](repeating: 0, count: tasks)
        var generator = RowGenerator(self, stream: 2)
        for r in 0..<noiseRuns {
            generator.nextNoiseRow(into: &row)
            try writer.writeRow(name: "noise_seed_\(r + 1)", z: row, baselines: baselines, scales: scales)
        }
        try writer.close()
    }
}

/// Draws rows `z = Λθ + ε` one at a time from one random stream.
private struct RowGenerator {
    let lambda: [Double]
    let sdPsi: [Double]
    let p: Int, k: Int
    var rng: Xoshiro256StarStar
    var normal = NormalSampler()
    var theta: [Double]

    init(_ sweep: SyntheticSweep, stream: Int) {
        lambda = sweep.loadings.elements
        sdPsi = sweep.psi.map { $0.squareRoot() }
        p = sweep.tasks
        k = sweep.factors
        rng = Xoshiro256StarStar(seed: sweep.seed).stream(stream)
        theta = [Double](repeating: 0, count: sweep.factors)
    }

    mutating func nextSweepRow(into row: inout [Double]) {
        for j in 0..<k { theta[j] = normal.next(using: &rng) }
        fill(&row)
    }

    mutating func nextNoiseRow(into row: inout [Double]) {
        for j in 0..<k { theta[j] = 0.5 }
        fill(&row)
    }

    private mutating func fill(_ row: inout [Double]) {
        for t in 0..<p {
            var s = 0.0
            for j in 0..<k { s += lambda[t + j * p] * theta[j] }
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

    mutating func writeHeader(tasks: [String]) {
        append("run_name,status")
        for name in tasks { append(","); append(name) }
        append("\n")
    }

    mutating func writeRow(name: String, z: [Double], baselines: [Double], scales: [Double]) throws {
        append(name)
        append(",completed")
        for t in z.indices {
            append(",")
            append((baselines[t] - scales[t] * z[t]).description)
        }
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
