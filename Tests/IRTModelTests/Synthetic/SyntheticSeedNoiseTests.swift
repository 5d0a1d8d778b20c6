import Foundation
import IRTModel
import IRTSynthetic
import Linalg
import Testing

/// SyntheticSweep's seed noise in score space (`z = Λ(θ + δ) + ε`, δ ~ N(0, σ_s² I)),
/// its replicates of chosen mixtures and its truth file: the defaults write the
/// files they always wrote, δ is common to all tasks, and the replicates are
/// named and grouped by the sweep run whose mixture they retrain.
@Suite("SyntheticSweep seed noise, replicate mixtures and truth")
struct SyntheticSeedNoiseTests {
    /// The files the generator wrote before seed noise existed (
    /// `irt-generate --runs 50 --tasks 12 --factors 3 --seed 7` and
    /// `--runs 40 --tasks 9 --factors 2 --seed 3 --noise-runs 7 --near-zero-share 0.5
    /// --heywood-tasks 2`): their FNV-1a 64 hashes and sizes.
    static let before: [(sweep: SyntheticSweep, files: [String: (hash: UInt64, bytes: Int)])] = [
        (SyntheticSweep(runs: 50, tasks: 12, factors: 3, seed: 7),
         ["sweep": (0x22afbb036c9215b5, 12649), "noise": (0x405173b1ed3ad52c, 2846), "theta": (0x38b078e709aab7f9, 3493)]),
        (SyntheticSweep(runs: 40, tasks: 9, factors: 2, seed: 3, noiseRuns: 7,
                        shape: .init(nearZeroCrossLoadings: 0.5, heywoodTasks: 2)),
         ["sweep": (0x2afd0daaa0993d35, 7828), "noise": (0x9b6fedf7d32b2bb6, 1617), "theta": (0xc1fc164f7bc100bc, 2001)]),
    ]

    @Test("σ_s = 0 and one mixture write byte for byte the files of before", arguments: [0, 1])
    func defaultOutputIsUnchanged(index: Int) throws {
        let old = Self.before[index].sweep
        let explicit = SyntheticSweep(runs: old.runs, tasks: old.tasks, factors: old.factors, seed: old.seed,
                                      noiseRuns: old.noiseRuns, shape: old.shape, seedNoiseTheta: 0, replicateMixtures: 1)
        try withTemporaryDirectory { dir in
            for sweep in [old, explicit] {
                let files = try write(sweep, to: dir)
                for (name, expected) in Self.before[index].files {
                    let data = try Data(contentsOf: files[name]!)
                    #expect(data.count == expected.bytes, "\(name)")
                    #expect(fnv1a(data) == expected.hash, "\(name)")
                }
            }
            // The first rows, readable.
            if index == 0 {
                let files = try write(explicit, to: dir)
                let sweepLine = try lines(files["sweep"]!)[1]
                #expect(sweepLine.hasPrefix("run_00001,completed,1.4848607522841628,0.7699284326350289,"))
                #expect(try lines(files["noise"]!)[1].hasPrefix("noise_seed_1,completed,1.442489472000455,"))
                #expect(try lines(files["theta"]!)[1]
                        == "run_00001,0.6138711838629324,-0.6653516869240653,0.7308890041454379")
            }
        }
    }

    @Test("The sweep with σ_s > 0 is the sweep without it plus Λδ_r, δ_r ~ N(0, σ_s² I) fresh per run")
    func sweepRowsGetCommonSeedNoise() {
        let n = 3000, sigma = 0.5
        let plain = SyntheticSweep(runs: n, tasks: 6, factors: 2, seed: 5, noiseRuns: 0)
        let noisy = SyntheticSweep(runs: n, tasks: 6, factors: 2, seed: 5, noiseRuns: 0, seedNoiseTheta: sigma)
        #expect(noisy.trueScores() == plain.trueScores())
        let deltas = seedComponents(noisy.signedScores(), minus: plain.signedScores(), loadings: plain.loadings)
        #expect(deltas.maxResidual < 1e-12)
        expectStandardNormalTimes(sigma, deltas.delta)
    }

    @Test("Replicates of one mixture: Cov(z_t, z_u) → σ_s² λ_tᵀλ_u for t ≠ u, σ_s² |λ_t|² + ψ_t on the diagonal",
          arguments: [0.0, 0.7])
    func replicateCovarianceAcrossTasks(sigma: Double) {
        let n = 20_000, p = 6
        let sweep = SyntheticSweep(runs: 10, tasks: p, factors: 2, seed: 9, noiseRuns: n, seedNoiseTheta: sigma)
        let z = sweep.replicateScores()
        #expect(z.rows == n && z.columns == p)
        let lambda = sweep.loadings
        // Σ = σ_s² ΛΛᵀ + Ψ, computed from the known structure.
        var expected = Matrix(rows: p, columns: p)
        for t in 0..<p {
            for u in 0..<p {
                var dot = 0.0
                for j in 0..<2 { dot += lambda[t, j] * lambda[u, j] }
                expected[t, u] = sigma * sigma * dot + (t == u ? sweep.psi[t] : 0)
            }
        }
        let mean = (0..<p).map { t in (0..<n).reduce(0.0) { $0 + z[$1, t] } / Double(n) }
        var strongOffDiagonal = 0
        for t in 0..<p {
            // The mixture θ = (½, ½): E z_t = ½ Σ_j λ_tj.
            let center = 0.5 * (lambda[t, 0] + lambda[t, 1])
            #expect(abs(mean[t] - center) <= 5 * (expected[t, t] / Double(n)).squareRoot())
            for u in t..<p {
                var s = 0.0
                for r in 0..<n { s += (z[r, t] - mean[t]) * (z[r, u] - mean[u]) }
                s /= Double(n - 1)
                // Sampling sd of a sample covariance of normals: √((Σ_tt Σ_uu + Σ_tu²)/(n − 1)).
                let se = ((expected[t, t] * expected[u, u] + expected[t, u] * expected[t, u]) / Double(n - 1)).squareRoot()
                #expect(abs(s - expected[t, u]) <= 5 * se, "Cov(z_\(t), z_\(u)) = \(s), expected \(expected[t, u]) ± \(se)")
                if t != u && expected[t, u] > 10 * se { strongOffDiagonal += 1 }
            }
        }
        // With σ_s > 0 the seed noise is visibly correlated across tasks; without, it is not.
        if sigma > 0 { #expect(strongOffDiagonal >= 5) } else { #expect(strongOffDiagonal == 0) }
    }

    @Test("m > 1: the mixtures are sweep runs 1…m, rows <run>_seed_<i> with a replicate_group column; the truth file")
    func replicateGroupsAndTruth() throws {
        let sweep = SyntheticSweep(runs: 30, tasks: 8, factors: 2, seed: 4, noiseRuns: 3,
                                   seedNoiseTheta: 0.3, replicateMixtures: 4)
        let groups = ["run_00001", "run_00002", "run_00003", "run_00004"]
        #expect(sweep.replicateGroups == groups)
        #expect(sweep.replicateNames == groups.flatMap { g in (1...3).map { "\(g)_seed_\($0)" } })
        let theta = sweep.trueScores(), mixtures = sweep.mixtures()
        #expect(mixtures.rows == 4 && mixtures.columns == 2)
        for g in 0..<4 { #expect(mixtures.row(g) == theta.row(g)) }
        try withTemporaryDirectory { dir in
            let files = try write(sweep, to: dir)
            let noise = try EvalMatrix(contentsOf: files["noise"]!)
            #expect(Array(noise.columnNames.prefix(3)) == ["run_name", "status", "replicate_group"])
            #expect(TaskSelection.reference.taskColumns(in: noise.columnNames) == sweep.taskNames)
            #expect(noise.runNames == sweep.replicateNames)
            #expect(noise.strings("replicate_group") == groups.flatMap { Array(repeating: $0, count: 3) })
            let x = try noise.numericMatrix(columns: sweep.taskNames), z = sweep.replicateScores()
            for r in 0..<12 {
                for t in 0..<8 { #expect(abs(x[r, t] - (sweep.baselines[t] - sweep.scales[t] * z[r, t])) < 1e-12) }
            }
            // A sweep run and its replicates are different seeds of one mixture.
            let sweepZ = sweep.signedScores()
            #expect((0..<8).allSatisfy { sweepZ[0, $0] != z[0, $0] })

            // Truth: run_name,theta_1,theta_2,aggregate; the sweep runs, then the replicates.
            let url = dir.appendingPathComponent("truth-all.csv")
            try sweep.writeTruth(to: url, includingReplicates: true)
            let truth = try EvalMatrix(contentsOf: url)
            #expect(truth.columnNames == ["run_name", "theta_1", "theta_2", "aggregate"])
            #expect(truth.runNames == (0..<30).map(SyntheticSweep.runName) + sweep.replicateNames)
            let values = try truth.numericMatrix(columns: ["theta_1", "theta_2", "aggregate"])
            for r in 0..<42 {
                let expectedTheta = r < 30 ? theta.row(r) : mixtures.row((r - 30) / 3)
                #expect([values[r, 0], values[r, 1]] == expectedTheta)
                #expect(values[r, 2] == (expectedTheta[0] + expectedTheta[1]) / 2)
            }
            // Without replicates it is the theta file plus the aggregate column, cell for cell.
            let thetaLines = try lines(files["theta"]!), truthLines = try lines(files["truth"]!)
            #expect(truthLines.count == thetaLines.count)
            for (a, b) in zip(thetaLines, truthLines) { #expect(b.hasPrefix(a + ",")) }
        }
        // The sweep and the noise file it writes are accepted as an analysis' input.
        try withTemporaryDirectory { dir in
            let files = try write(sweep, to: dir)
            let result = try Analysis(sweep: EvalMatrix(contentsOf: files["sweep"]!),
                                      noise: EvalMatrix(contentsOf: files["noise"]!), options: {
                var o = AnalysisOptions().withoutFitChecks; o.draws = 20; return o
            }()).run()
            #expect(result.nTasks == 8)
        }
    }

    @Test("m > 1, σ_s = 0: each group's replicates average to Λθ of its sweep run")
    func replicatesCenterOnTheirRun() {
        let n = 4000, p = 5
        let sweep = SyntheticSweep(runs: 20, tasks: p, factors: 2, seed: 12, noiseRuns: n, replicateMixtures: 3)
        let z = sweep.replicateScores(), theta = sweep.trueScores()
        for g in 0..<3 {
            for t in 0..<p {
                let center = sweep.loadings[t, 0] * theta[g, 0] + sweep.loadings[t, 1] * theta[g, 1]
                let mean = (0..<n).reduce(0.0) { $0 + z[g * n + $1, t] } / Double(n)
                #expect(abs(mean - center) <= 5 * (sweep.psi[t] / Double(n)).squareRoot())
            }
        }
    }

    @Test("One mixture with σ_s > 0 keeps the noise file's layout, and its δ is fresh per replicate")
    func singleMixtureLayout() throws {
        let plain = SyntheticSweep(runs: 10, tasks: 6, factors: 2, seed: 8, noiseRuns: 2000)
        let noisy = SyntheticSweep(runs: 10, tasks: 6, factors: 2, seed: 8, noiseRuns: 2000, seedNoiseTheta: 0.4)
        #expect(noisy.replicateGroups == ["noise"])
        #expect(noisy.replicateNames.prefix(2) == ["noise_seed_1", "noise_seed_2"])
        #expect(noisy.mixtures().elements == [0.5, 0.5])
        let deltas = seedComponents(noisy.replicateScores(), minus: plain.replicateScores(), loadings: plain.loadings)
        #expect(deltas.maxResidual < 1e-12)
        expectStandardNormalTimes(0.4, deltas.delta)
        let small = SyntheticSweep(runs: 10, tasks: 6, factors: 2, seed: 8, noiseRuns: 3, seedNoiseTheta: 0.4)
        try withTemporaryDirectory { dir in
            let noise = try EvalMatrix(contentsOf: write(small, to: dir)["noise"]!)
            #expect(noise.columnNames == ["run_name", "status"] + small.taskNames)
            #expect(noise.runNames == ["noise_seed_1", "noise_seed_2", "noise_seed_3"])
        }
    }

    @Test("The same seed writes the same files; another seed or σ_s other ones")
    func sameSeedSameFiles() throws {
        func make(seed: UInt64, sigma: Double) -> SyntheticSweep {
            SyntheticSweep(runs: 40, tasks: 7, factors: 2, seed: seed, noiseRuns: 4, seedNoiseTheta: sigma, replicateMixtures: 5)
        }
        try withTemporaryDirectory { dir in
            func contents(_ sweep: SyntheticSweep, _ tag: String) throws -> [String: Data] {
                let sub = dir.appendingPathComponent(tag)
                try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
                return try write(sweep, to: sub).mapValues { try Data(contentsOf: $0) }
            }
            let a = try contents(make(seed: 21, sigma: 0.3), "a"), b = try contents(make(seed: 21, sigma: 0.3), "b")
            #expect(a == b)
            let other = try contents(make(seed: 22, sigma: 0.3), "c")
            for name in ["sweep", "noise", "truth"] { #expect(a[name] != other[name], "\(name)") }
            let lessNoise = try contents(make(seed: 21, sigma: 0.1), "d")
            #expect(a["sweep"] != lessNoise["sweep"] && a["noise"] != lessNoise["noise"])
            #expect(a["truth"] == lessNoise["truth"] && a["theta"] == lessNoise["theta"])
        }
    }
}

// MARK: - Helpers

/// Writes the sweep, noise, theta and truth (sweep runs only) files into `dir`.
private func write(_ sweep: SyntheticSweep, to dir: URL) throws -> [String: URL] {
    let files = ["sweep", "noise", "theta", "truth"].map { ($0, dir.appendingPathComponent("\($0).csv")) }
    let urls = Dictionary(uniqueKeysWithValues: files)
    try sweep.writeSweep(to: urls["sweep"]!)
    try sweep.writeNoise(to: urls["noise"]!)
    try sweep.writeTrueScores(to: urls["theta"]!)
    try sweep.writeTruth(to: urls["truth"]!)
    return urls
}

private func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("irtkit-seed-noise-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try body(dir)
}

private func lines(_ url: URL) throws -> [String] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
}

/// FNV-1a, 64 bits.
private func fnv1a(_ data: Data) -> UInt64 {
    data.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
}

/// The δ_r with `a_r − b_r = Λ δ_r` (least squares, k = 2), and the largest residual.
private func seedComponents(_ a: Matrix, minus b: Matrix, loadings lambda: Matrix) -> (delta: [[Double]], maxResidual: Double) {
    precondition(lambda.columns == 2)
    let p = lambda.rows
    var g00 = 0.0, g01 = 0.0, g11 = 0.0
    for t in 0..<p {
        g00 += lambda[t, 0] * lambda[t, 0]; g01 += lambda[t, 0] * lambda[t, 1]; g11 += lambda[t, 1] * lambda[t, 1]
    }
    let det = g00 * g11 - g01 * g01
    var delta: [[Double]] = [], residual = 0.0
    for r in 0..<a.rows {
        var c0 = 0.0, c1 = 0.0
        for t in 0..<p {
            let d = a[r, t] - b[r, t]
            c0 += lambda[t, 0] * d; c1 += lambda[t, 1] * d
        }
        let d0 = (g11 * c0 - g01 * c1) / det, d1 = (g00 * c1 - g01 * c0) / det
        for t in 0..<p {
            residual = max(residual, abs(a[r, t] - b[r, t] - lambda[t, 0] * d0 - lambda[t, 1] * d1))
        }
        delta.append([d0, d1])
    }
    return (delta, residual)
}

/// The rows of `delta` look like N(0, σ² I): means, variances and the covariance
/// within 5 standard errors.
private func expectStandardNormalTimes(_ sigma: Double, _ delta: [[Double]]) {
    let n = Double(delta.count), v = sigma * sigma
    let m0 = delta.reduce(0) { $0 + $1[0] } / n, m1 = delta.reduce(0) { $0 + $1[1] } / n
    let s00 = delta.reduce(0) { $0 + ($1[0] - m0) * ($1[0] - m0) } / (n - 1)
    let s11 = delta.reduce(0) { $0 + ($1[1] - m1) * ($1[1] - m1) } / (n - 1)
    let s01 = delta.reduce(0) { $0 + ($1[0] - m0) * ($1[1] - m1) } / (n - 1)
    #expect(abs(m0) <= 5 * sigma / n.squareRoot() && abs(m1) <= 5 * sigma / n.squareRoot())
    #expect(abs(s00 - v) <= 5 * v * (2 / n).squareRoot() && abs(s11 - v) <= 5 * v * (2 / n).squareRoot())
    #expect(abs(s01) <= 5 * v / n.squareRoot())
}
