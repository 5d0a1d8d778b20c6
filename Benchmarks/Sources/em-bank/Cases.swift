import BenchSupport
import Foundation
import IRTModel
import IRTSynthetic
import Linalg

/// One EM problem of the bank: a covariance (correlation) matrix of n runs,
/// the number of factors and the per-task anchors (`nil` = free ψ).
struct BankCase {
    /// Family letter and name, e.g. `b bootstrap`.
    let family: Family
    /// Unique, stable name, e.g. `b/boot-17`.
    let name: String
    let s: Matrix
    let n: Int
    let k: Int
    let anchors: [Double?]
    /// Part of `--quick`.
    let quick: Bool

    var p: Int { s.rows }
}

enum Family: String, CaseIterable, Comparable {
    case sampleSimulated = "a sample-simulated"
    case bootstrap = "b bootstrap"
    case synthetic = "c synthetic"
    case psi = "d fixed/free ψ"
    case publicData = "e public"

    static func < (a: Family, b: Family) -> Bool { a.rawValue < b.rawValue }
    var letter: String { String(rawValue.prefix(1)) }
}

/// `S = ZᵀZ/n` of z-scores, exactly as `FactorModel(z:k:anchors:options:)`
/// forms it (one BLAS thread), so a bank case of a real sweep is the fit the
/// analysis runs.
func covariance(ofStandardized z: Matrix) -> Matrix {
    BLASThreading.withThreadCount(1) { z.gram(alpha: 1 / Double(Swift.max(z.rows, 1))) }
}

/// Standardizes the columns (population sd), then `S = ZᵀZ/n`.
func covariance(of x: Matrix) throws -> Matrix {
    try covariance(ofStandardized: x.standardized(ddof: 0).z)
}

/// Builds the bank. Families (Benchmarks/README.md, "EM test bank"):
/// - a: 20 sweeps of n = 242 runs drawn from the sample's own fitted model
///   (`z = Λθ + ε`, θ ~ N(0, I), ε ~ N(0, Ψ)), fitted with the sample's anchors;
/// - b: 50 bootstrap resamples of the sample's runs (re-standardized), anchors kept;
/// - c: synthetic sweeps (``SyntheticSweep``), k = 1…8, n 50…5,000, p 10…300,
///   some with n < p, near-zero cross-loadings or Heywood-prone tasks, free ψ;
/// - d: the sample itself at k = 1…8 with anchored ψ (its noise file) and with
///   every ψ free, and four synthetic sweeps anchored from their noise file and free;
/// - e: the Open LLM Leaderboard (ARC, HellaSwag, MMLU, TruthfulQA; k = 1) and
///   Holzinger–Swineford x1–x9 (k = 1…3), free ψ.
struct BankBuilder {
    let repositoryRoot: URL
    /// The sample fitted with `Analysis` defaults.
    let sampleLoadings: [[Double]]
    let samplePsi: [Double]
    let sampleAnchors: [Double?]
    let sampleZ: Matrix
    let sampleK: Int
    let sampleNoise: EvalMatrix
    /// Further k for the sample's `d/sample-kK-fixed` and `-free` cases, beyond
    /// the bank's 1…8 (`--sample-k`; over-factored fits, not part of the bank).
    let extraSampleKs: [Int]

    init(repositoryRoot: URL, extraSampleKs: [Int] = []) throws {
        self.repositoryRoot = repositoryRoot
        self.extraSampleKs = extraSampleKs
        let (sweep, noise) = Inputs.sample()
        // Family a is drawn from the sample's fit with ψ anchored (nnls): a fixed source, whatever the defaults.
        var options = AnalysisOptions()
        options.psiModel = .anchored
        let result = try Analysis(sweep: sweep, noise: noise, options: options).run()
        sampleLoadings = result.loadings
        samplePsi = result.psi
        sampleAnchors = result.noiseShare
        sampleK = result.k
        sampleNoise = noise
        sampleZ = Inputs.samplePrepared().z
    }

    func build() throws -> [BankCase] {
        var cases: [BankCase] = []
        cases += sampleSimulated()
        cases += try bootstrap()
        cases += try synthetic()
        cases += try psiFamily()
        cases += try publicData()
        return cases
    }

    // MARK: - a

    /// 20 sweeps of 242 runs drawn from the sample's fit with ψ anchored (Λ, ψ; seeds
    /// 1001…1020): the sample's kind of data. The projected map crawls on some
    /// (ρ → 1: `a/sim-3`, `a/sim-19`, `a/sim-7`) and cycles on one (`a/sim-8`).
    func sampleSimulated() -> [BankCase] {
        (1...20).map { i in
            let z = FactorModelDraws.simulate(loadings: sampleLoadings, psi: samplePsi, runs: 242, seed: UInt64(1000 + i))
            return BankCase(family: .sampleSimulated, name: "a/sim-\(i)", s: try! covariance(of: z), n: 242,
                            k: sampleK, anchors: sampleAnchors, quick: i <= 3)
        }
    }

    // MARK: - b

    /// The sample's runs drawn with replacement (seed `seed`).
    static func resample(_ z: Matrix, seed: UInt64) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed)
        let n = z.rows
        var out = Matrix(rows: n, columns: z.columns)
        for r in 0..<n {
            let source = Int(rng.next() % UInt64(n))
            for t in 0..<z.columns { out[r, t] = z[source, t] }
        }
        return out
    }

    func bootstrap() throws -> [BankCase] {
        try (1...50).map { i in
            let z = Self.resample(sampleZ, seed: UInt64(2000 + i))
            return BankCase(family: .bootstrap, name: "b/boot-\(i)", s: try covariance(of: z), n: z.rows,
                            k: sampleK, anchors: sampleAnchors, quick: i <= 5)
        }
    }

    // MARK: - c

    struct SyntheticSpec {
        let k: Int, n: Int, p: Int
        var nearZero = 0.0
        var heywood = 0
        var quick = false
        var label: String {
            var s = "k\(k)-n\(n)-p\(p)"
            if nearZero > 0 { s += "-nz" }
            if heywood > 0 { s += "-hw\(heywood)" }
            return s
        }
    }

    /// The synthetic grid: every k from 1 to 8, n from 50 to 5,000, p from 10
    /// to 300, six with n < p, ten with near-zero cross-loadings, seven with
    /// Heywood-prone tasks.
    static let syntheticGrid: [SyntheticSpec] = [
        SyntheticSpec(k: 1, n: 50, p: 10, quick: true),
        SyntheticSpec(k: 1, n: 5000, p: 300, nearZero: 0.5, heywood: 2),
        SyntheticSpec(k: 2, n: 100, p: 20, quick: true),
        SyntheticSpec(k: 2, n: 1000, p: 60, nearZero: 0.5, heywood: 1, quick: true),
        SyntheticSpec(k: 2, n: 60, p: 120),
        SyntheticSpec(k: 3, n: 242, p: 43, nearZero: 0.5, quick: true),
        SyntheticSpec(k: 3, n: 2000, p: 150, heywood: 2),
        SyntheticSpec(k: 3, n: 80, p: 200, nearZero: 0.5),
        SyntheticSpec(k: 4, n: 242, p: 43),
        SyntheticSpec(k: 4, n: 500, p: 100, nearZero: 0.5, heywood: 2),
        SyntheticSpec(k: 4, n: 5000, p: 300),
        SyntheticSpec(k: 5, n: 150, p: 30, nearZero: 0.5, heywood: 1, quick: true),
        SyntheticSpec(k: 5, n: 1000, p: 250, nearZero: 0.5),
        SyntheticSpec(k: 5, n: 100, p: 300),
        SyntheticSpec(k: 6, n: 300, p: 60, heywood: 2),
        SyntheticSpec(k: 6, n: 2500, p: 120, nearZero: 0.5),
        SyntheticSpec(k: 7, n: 400, p: 70, nearZero: 0.5, heywood: 1),
        SyntheticSpec(k: 7, n: 50, p: 100),
        SyntheticSpec(k: 8, n: 1000, p: 80, nearZero: 0.5, heywood: 2),
        SyntheticSpec(k: 8, n: 5000, p: 200),
        SyntheticSpec(k: 8, n: 200, p: 300, nearZero: 0.5),
        SyntheticSpec(k: 8, n: 120, p: 40, nearZero: 0.5, heywood: 1),
    ]

    func synthetic() throws -> [BankCase] {
        try Self.syntheticGrid.enumerated().map { i, spec in
            let sweep = SyntheticSweep(runs: spec.n, tasks: spec.p, factors: spec.k, seed: UInt64(3000 + i), noiseRuns: 0,
                                       shape: .init(nearZeroCrossLoadings: spec.nearZero, heywoodTasks: spec.heywood))
            return BankCase(family: .synthetic, name: "c/" + spec.label, s: try covariance(of: sweep.signedScores()),
                            n: spec.n, k: spec.k, anchors: [Double?](repeating: nil, count: spec.p), quick: spec.quick)
        }
    }

    // MARK: - d

    /// Synthetic sweeps written with their noise file and read back as the
    /// analysis reads them, so the anchors are the noise file's noise shares.
    static let anchoredGrid: [SyntheticSpec] = [
        SyntheticSpec(k: 2, n: 300, p: 30, quick: true),
        SyntheticSpec(k: 3, n: 1000, p: 80, nearZero: 0.5),
        SyntheticSpec(k: 5, n: 500, p: 120, heywood: 2),
        SyntheticSpec(k: 6, n: 200, p: 60, nearZero: 0.5, heywood: 1),
    ]

    func psiFamily() throws -> [BankCase] {
        var cases: [BankCase] = []
        let free = [Double?](repeating: nil, count: sampleZ.columns)
        let sampleS = covariance(ofStandardized: sampleZ)
        for k in Array(1...8) + extraSampleKs where k <= sampleZ.columns {
            cases.append(BankCase(family: .psi, name: "d/sample-k\(k)-fixed", s: sampleS, n: sampleZ.rows, k: k,
                                  anchors: sampleAnchors, quick: k <= 4))
            cases.append(BankCase(family: .psi, name: "d/sample-k\(k)-free", s: sampleS, n: sampleZ.rows, k: k,
                                  anchors: free, quick: k <= 4))
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("em-bank-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (i, spec) in Self.anchoredGrid.enumerated() {
            let synthetic = SyntheticSweep(runs: spec.n, tasks: spec.p, factors: spec.k, seed: UInt64(4000 + i),
                                           shape: .init(nearZeroCrossLoadings: spec.nearZero, heywoodTasks: spec.heywood))
            let sweepURL = directory.appendingPathComponent("sweep-\(i).csv")
            let noiseURL = directory.appendingPathComponent("noise-\(i).csv")
            try synthetic.writeSweep(to: sweepURL)
            try synthetic.writeNoise(to: noiseURL)
            let prepared = try PreparedSweep(sweep: EvalMatrix(contentsOf: sweepURL), selection: .reference)
            let floor = try NoiseFloor(sweep: prepared, noise: EvalMatrix(contentsOf: noiseURL))
            let s = covariance(ofStandardized: prepared.z)
            cases.append(BankCase(family: .psi, name: "d/\(spec.label)-fixed", s: s, n: spec.n, k: spec.k,
                                  anchors: floor.noiseShare, quick: spec.quick))
            cases.append(BankCase(family: .psi, name: "d/\(spec.label)-free", s: s, n: spec.n, k: spec.k,
                                  anchors: [Double?](repeating: nil, count: spec.p), quick: spec.quick))
        }
        return cases
    }

    // MARK: - e

    func publicData() throws -> [BankCase] {
        let fixtures = repositoryRoot.appendingPathComponent("Tests/IRTModelTests/Fixtures")
        let leaderboard = try EvalMatrix(
            contentsOf: fixtures.appendingPathComponent("public/open_llm_leaderboard_20231031.csv"), runColumn: "Model")
        let llm = try PreparedSweep(
            sweep: leaderboard,
            selection: .patterns(include: ["ARC*", "HellaSwag*", "MMLU*", "TruthfulQA*"]))
        var cases = [BankCase(family: .publicData, name: "e/open-llm-k1", s: covariance(ofStandardized: llm.z),
                              n: llm.z.rows, k: 1, anchors: [Double?](repeating: nil, count: llm.tasks.count), quick: true)]
        let hs = try EvalMatrix(contentsOf: fixtures.appendingPathComponent("R/holzinger_swineford.csv"), runColumn: "id")
        let hsPrepared = try PreparedSweep(sweep: hs, selection: .columns((1...9).map { "x\($0)" }, direction: .higherIsBetter))
        let hsS = covariance(ofStandardized: hsPrepared.z)
        for k in 1...3 {
            cases.append(BankCase(family: .publicData, name: "e/holzinger-swineford-k\(k)", s: hsS, n: hsPrepared.z.rows,
                                  k: k, anchors: [Double?](repeating: nil, count: 9), quick: true))
        }
        return cases
    }
}
