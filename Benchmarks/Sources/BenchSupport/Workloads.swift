import Foundation
import IRTModel
import IRTSynthetic
import Linalg
import LinalgReference

/// Inputs and the two implementations (Linalg over BLAS/LAPACK, and the
/// pure-Swift LinalgReference baseline) of every benchmarked workload.
///
/// Everything that is not the measured work (random inputs, file reads,
/// output buffers, LAPACK workspaces) is built once here, outside the
/// measured region; the measured closures only compute.
public enum Inputs {
    /// A `rows × columns` matrix of standard normals from `seed`.
    public static func normal(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed)
        var normal = NormalSampler()
        var m = Matrix(rows: rows, columns: columns)
        m.withMutableElements { span in
            for i in span.indices { span[i] = normal.next(using: &rng) }
        }
        return m
    }

    /// The correlation matrix of `n × p` normal data: a realistic symmetric
    /// input for the eigenvalue solvers (the Horn null's matrices).
    public static func correlation(n: Int, p: Int, seed: UInt64) -> Matrix {
        try! normal(n, p, seed: seed).correlation()
    }

    /// The bundled 300M sample: `Sources/IRTSampleData/Sample` of the root
    /// package (or `$IRTKIT_SAMPLE_DIR`).
    public static var sampleDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["IRTKIT_SAMPLE_DIR"] {
            return URL(fileURLWithPath: dir)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Sources/IRTSampleData/Sample")
    }

    public static var sampleSweepURL: URL { sampleDirectory.appendingPathComponent("sweep_300m_replica.csv") }
    public static var sampleNoiseURL: URL {
        sampleDirectory.appendingPathComponent("noise_baseline_run00097_fixed_subset_300m.csv")
    }

    /// The sample sweep and noise files, read.
    public static func sample() -> (sweep: EvalMatrix, noise: EvalMatrix) {
        (try! EvalMatrix(contentsOf: sampleSweepURL), try! EvalMatrix(contentsOf: sampleNoiseURL))
    }

    /// The z-scored task matrix and noise anchors of the sample (what the EM sees).
    public static func samplePrepared() -> (z: Matrix, anchors: [Double?]) {
        let (sweep, noise) = sample()
        let prepared = try! PreparedSweep(sweep: sweep.completedRuns(), selection: .reference)
        let floor = try! NoiseFloor(sweep: prepared, noise: noise)
        return (prepared.z, floor.noiseShare)
    }

    /// Synthetic z-scored data with a known k-factor structure, `n × p`, and
    /// anchors for the tasks (all free): an EM input of any size.
    public static func syntheticZ(n: Int, p: Int, k: Int, seed: UInt64) -> Matrix {
        let synthetic = SyntheticSweep(runs: n, tasks: p, factors: k, seed: seed)
        let x = synthetic.signedScores()
        return try! x.standardized(ddof: 0).z
    }
}

/// Floating-point operation counts used to turn times into GFLOP/s.
public enum Flops {
    /// `C ← A B` with `A` m × k, `B` k × n: 2mnk.
    public static func gemm(_ m: Int, _ n: Int, _ k: Int) -> Double { 2 * Double(m) * Double(n) * Double(k) }
    /// `AᵀA` (one triangle) of an m × n matrix: m n (n + 1).
    public static func syrk(rows m: Int, columns n: Int) -> Double { Double(m) * Double(n) * Double(n + 1) }
    /// Eigenvalues only of an n × n symmetric matrix: the tridiagonal
    /// reduction, 4n³/3 (the QR/divide-and-conquer on the tridiagonal is O(n²)).
    public static func eigenvalues(_ n: Int) -> Double { 4 * Double(n) * Double(n) * Double(n) / 3 }
    /// Eigenvalues and vectors: reduction 4n³/3 + back-transformation and
    /// divide-and-conquer ≈ 9n³ in all (Golub & Van Loan's count for the symmetric QR).
    public static func eigen(_ n: Int) -> Double { 9 * Double(n) * Double(n) * Double(n) }
    /// One Horn draw (n × p): normals (not counted), standardize 5np, syrk, eigenvalues.
    public static func hornDraw(n: Int, p: Int) -> Double { 5 * Double(n * p) + syrk(rows: n, columns: p) + eigenvalues(p) }
}

/// One Horn null draw exactly as `NullEigenvalues` does it (IRTModel's
/// `NullDraw`, buffers allocated once per thread, as there).
public struct HornDrawLinalg {
    public let n: Int, p: Int
    var draw: NullDraw
    var values: [Double]
    var stream: Xoshiro256StarStar

    public init(n: Int, p: Int, seed: UInt64 = 42) {
        self.n = n
        self.p = p
        draw = NullDraw(rows: n, columns: p)
        values = [Double](repeating: 0, count: p)
        stream = Xoshiro256StarStar(seed: seed)
    }

    /// Generate normals, standardize in place, `ZᵀZ / n` by syrk, eigenvalues by dsyevd.
    public mutating func run() -> Double {
        var rng = stream
        stream.jump()
        try! draw.eigenvalues(using: &rng, into: &values)
        return values[0]
    }
}

/// The same draw with the baseline: normals into a fresh matrix,
/// `Reference.standardize`, `Reference.correlation`, `Reference.jacobiEigenvalues`.
public struct HornDrawReference {
    public let n: Int, p: Int
    var stream: Xoshiro256StarStar

    public init(n: Int, p: Int, seed: UInt64 = 42) {
        self.n = n
        self.p = p
        stream = Xoshiro256StarStar(seed: seed)
    }

    public mutating func run() -> Double {
        var rng = stream
        stream.jump()
        var normal = NormalSampler()
        let x = Matrix(rows: n, columns: p) { _, _ in normal.next(using: &rng) }
        let z = Reference.standardize(x)
        let r = Reference.correlation(z)
        return Reference.jacobiEigenvalues(r).last!
    }
}

/// Fits for the EM-iteration and convergence benchmarks.
public enum EMBench {
    /// `FactorModel` with plain EM capped at `iterations` map evaluations
    /// (never converges that early from the random start).
    public static func fit(z: Matrix, k: Int, anchors: [Double?], iterations: Int) -> FactorModel {
        try! FactorModel(z: z, k: k, anchors: anchors,
                         options: FitOptions(maxIterations: iterations, acceleration: .none))
    }

    /// A fit to convergence with `options`.
    public static func converge(z: Matrix, k: Int, anchors: [Double?], options: FitOptions) -> FactorModel {
        try! FactorModel(z: z, k: k, anchors: anchors, options: options)
    }
}
