import Foundation
@testable import IRTModel
import IRTSynthetic
import Linalg
import Testing

/// Replicates of several mixtures (``AnalysisOptions/replicateGroupColumn``):
/// the seed noise is measured within each group, pooled, and the groups'
/// aggregate variances compared by Bartlett's test; the pooled estimate when
/// they agree, the noisiest group's when they do not; bad group columns are
/// refused with errors naming file, column and group.
@Suite("Seed noise of replicates of several mixtures (replicate groups)")
struct ReplicateGroupTests {
    // MARK: - Bartlett's test

    /// R's `InsectSprays` data set (Beall 1942, in R's `datasets` package):
    /// insect counts on 12 plots for each of the sprays A–F.
    static let insectSprays: [[Double]] = [
        [10, 7, 20, 14, 14, 12, 10, 23, 17, 20, 14, 13],
        [11, 17, 21, 11, 16, 14, 17, 17, 19, 21, 7, 13],
        [0, 1, 7, 2, 3, 1, 2, 1, 3, 0, 1, 4],
        [3, 5, 12, 6, 4, 3, 5, 5, 5, 5, 2, 4],
        [3, 5, 3, 5, 3, 6, 1, 1, 3, 2, 6, 4],
        [11, 9, 15, 22, 15, 16, 13, 10, 26, 26, 24, 13],
    ]

    @Test("Bartlett on InsectSprays is R's: bartlett.test(count ~ spray) gives K² = 25.96, df = 5, p = 9.085e-05")
    func bartlettAgainstR() {
        // R 4.x, `bartlett.test(count ~ spray, data = InsectSprays)` (the example of R's ?bartlett.test):
        // "Bartlett's K-squared = 25.96, df = 5, p-value = 9.085e-05".
        let variances = Self.insectSprays.map(Self.sampleVariance)
        let (t, p) = SeedNoise.GroupTest.bartlett(variances: variances, degreesOfFreedom: [Int](repeating: 11, count: 6))
        #expect(abs(t - 25.96) < 0.005, "T = \(t)")
        #expect(abs(p - 9.085e-5) < 0.0005e-5, "p = \(p)")
        // χ² with 5 df in closed form: Pr(X > x) = erfc(√(x/2)) + √(2/π) e^(−x/2) (√x + x^(3/2)/3).
        let r = t.squareRoot()
        let closed = erfc(r / 2.0.squareRoot()) + (2 / Double.pi).squareRoot() * exp(-t / 2) * (r + r * r * r / 3)
        #expect(abs(p - closed) < 1e-12 * closed)
    }

    @Test("Bartlett by hand: s² = 1 and 4 on 2 df each gives T = (4 ln 2.5 − 2 ln 4) / 1.25 and p = erfc(√(T/2))")
    func bartlettByHand() {
        let (t, p) = SeedNoise.GroupTest.bartlett(variances: [1, 4], degreesOfFreedom: [2, 2])
        // s²_p = (2·1 + 2·4)/4 = 2.5; C = 1 + (1/2 + 1/2 − 1/4) / 3 = 1.25.
        let expected = (4 * log(2.5) - 2 * log(4.0)) / 1.25
        #expect(abs(t - expected) < 1e-14)
        #expect(abs(t - 0.7140593642054714) < 1e-12)
        #expect(abs(p - erfc((expected / 2).squareRoot())) < 1e-12)
        // Equal variances: T = 0, p = 1, whatever the sizes.
        let equal = SeedNoise.GroupTest.bartlett(variances: [0.3, 0.3, 0.3], degreesOfFreedom: [1, 4, 9])
        #expect(abs(equal.statistic) < 1e-12 && abs(equal.p - 1) < 1e-12)
    }

    @Test("Bartlett's edge cases: all variances 0, one of them 0, fewer than 2 groups")
    func bartlettEdgeCases() {
        let zero = SeedNoise.GroupTest.bartlett(variances: [0, 0], degreesOfFreedom: [3, 5])
        #expect(zero.statistic == 0 && zero.p == 1)
        let one = SeedNoise.GroupTest.bartlett(variances: [0, 0.2], degreesOfFreedom: [3, 5])
        #expect(one.statistic == .infinity && one.p == 0)
        let single = SeedNoise.GroupTest.bartlett(variances: [0.2], degreesOfFreedom: [5])
        #expect(single.statistic.isNaN && single.p.isNaN)
        let none = SeedNoise.GroupTest.bartlett(variances: [], degreesOfFreedom: [])
        #expect(none.statistic.isNaN)
    }

    // MARK: - The grouped estimate

    /// Three groups of 3, 4 and 5 replicates (k = 2), interleaved in the file.
    static let grouped: (theta: [[Double]], labels: [String], posteriors: [[[Double]]]) = {
        let rows: [(String, [Double])] = [
            ("b", [0.10, 0.30]), ("a", [1.00, 0.90]), ("c", [-0.50, 0.20]), ("b", [0.25, 0.18]),
            ("a", [1.12, 0.80]), ("c", [-0.38, 0.05]), ("c", [-0.61, 0.33]), ("a", [0.95, 1.05]),
            ("b", [0.02, 0.41]), ("c", [-0.44, 0.12]), ("a", [1.08, 0.97]), ("c", [-0.52, 0.30]),
        ]
        let posteriors = rows.indices.map { i in
            [[0.01 + 0.001 * Double(i), 0.002], [0.002, 0.02 + 0.0005 * Double(i)]]
        }
        return (rows.map(\.1), rows.map(\.0), posteriors)
    }()

    @Test("Pooled: Σ̂ = Σ_g Σ_{i∈g} (θ_i − θ̄_g)(θ_i − θ̄_g)ᵀ / (N − G), V̄ the mean of every V_i, groups in file order")
    func pooledCovariance() throws {
        let (theta, labels, posteriors) = Self.grouped
        let seed = try #require(SeedNoise(theta: theta, posteriors: posteriors, groups: labels))
        let test = try #require(seed.groupTest)
        #expect(test.rule == .pooled)
        #expect(seed.degreesOfFreedom == 12 - 3 && seed.replicates == 12)
        // The formula, computed here from the rows.
        var direct = [[Double]](repeating: [0, 0], count: 2)
        for name in ["a", "b", "c"] {
            let rows = labels.indices.filter { labels[$0] == name }.map { theta[$0] }
            let mean = (0..<2).map { j in rows.reduce(0) { $0 + $1[j] } / Double(rows.count) }
            for row in rows { for a in 0..<2 { for b in 0..<2 { direct[a][b] += (row[a] - mean[a]) * (row[b] - mean[b]) } } }
        }
        direct = direct.map { $0.map { $0 / 9 } }
        #expect(maxAbsDifference(seed.covariance, direct) < 1e-14)
        let vbar = (0..<2).map { a in (0..<2).map { b in posteriors.reduce(0) { $0 + $1[a][b] } / 12 } }
        #expect(maxAbsDifference(seed.posteriorCovariance, vbar) < 1e-14)
        // The groups, in the order they first occur, with their own aggregate sds.
        let groups = try #require(seed.groups)
        #expect(groups.map(\.name) == ["b", "a", "c"] && groups.map(\.runs) == [3, 4, 5])
        let own = ["b", "a", "c"].map { name in
            Self.sampleVariance(labels.indices.filter { labels[$0] == name }.map { (theta[$0][0] + theta[$0][1]) / 2 })
        }
        #expect(maxAbsDifference(groups.map(\.aggregateSD), own.map { $0.squareRoot() }) < 1e-15)
        // Bartlett on those variances; with 2 df its p is e^(−T/2).
        #expect(abs(test.statistic - 2.9889848830538908) < 1e-9)
        #expect(test.degreesOfFreedom == 2 && abs(test.p - exp(-test.statistic / 2)) < 1e-12)
        #expect(test.p >= SeedNoise.GroupTest.level)
        #expect(test.largestGroup == "a" && test.smallestGroup == "b")
    }

    @Test("Unequal: one group's deviations × 5 — its own estimate and ν_g are used; with 2 runs the pooled one")
    func unequalGroupsUseTheLargest() throws {
        let (theta, labels, posteriors) = Self.grouped
        // Scale group c's deviations from its mean by 5 (its aggregate variance by 25; × 3 leaves
        // p = 0.065 with groups this small).
        let c = labels.indices.filter { labels[$0] == "c" }
        let mean = (0..<2).map { j in c.reduce(0) { $0 + theta[$1][j] } / Double(c.count) }
        var scaled = theta
        for i in c { scaled[i] = (0..<2).map { mean[$0] + 5 * (theta[i][$0] - mean[$0]) } }
        let seed = try #require(SeedNoise(theta: scaled, posteriors: posteriors, groups: labels))
        let test = try #require(seed.groupTest)
        #expect(test.p < 0.05 && test.rule == .largestGroup && test.largestGroup == "c" && test.smallestGroup == "b")
        let own = try #require(SeedNoise(theta: c.map { scaled[$0] }, posteriors: c.map { posteriors[$0] }))
        #expect(seed.covariance == own.covariance && seed.posteriorCovariance == own.posteriorCovariance)
        #expect(seed.degreesOfFreedom == 4 && seed.replicates == 5)
        let unscaled = try #require(SeedNoise(theta: c.map { theta[$0] }, posteriors: c.map { posteriors[$0] }))
        #expect(abs(seed.aggregateVariance - 25 * unscaled.aggregateVariance) < 1e-12)
        #expect(abs(test.p - 0.011656319217493867) < 1e-9, "p = \(test.p)")

        // The noisiest group has 2 runs (1 df: no intervals): the pooled estimate, said by its rule.
        var two: [[Double]] = [[0, 0], [3, 3]]
        for i in 0..<6 { two.append([0.02 * Double(i % 2), 0.01 * Double(i % 3)]) }
        let twoLabels = ["x", "x"] + [String](repeating: "y", count: 6)
        let twoPosteriors = [[[Double]]](repeating: [[0.01, 0], [0, 0.01]], count: 8)
        let fallback = try #require(SeedNoise(theta: two, posteriors: twoPosteriors, groups: twoLabels))
        #expect(fallback.groupTest?.rule == .pooledLargestTooFew && fallback.groupTest?.largestGroup == "x")
        #expect(fallback.degreesOfFreedom == 6 && fallback.replicates == 8)
    }

    @Test("One group is the ungrouped estimate; a group of 1 run, or no run, gives none")
    func oneGroupAndTooSmall() throws {
        let (theta, _, posteriors) = Self.grouped
        let plain = try #require(SeedNoise(theta: theta, posteriors: posteriors))
        let one = try #require(SeedNoise(theta: theta, posteriors: posteriors, groups: [String](repeating: "m", count: 12)))
        #expect(one.covariance == plain.covariance && one.posteriorCovariance == plain.posteriorCovariance)
        #expect(one.degreesOfFreedom == 11 && one.replicates == 12 && one.groupTest == nil)
        #expect(one.groups == [SeedNoise.Group(name: "m", runs: 12, aggregateSD: plain.aggregateVariance.squareRoot())])
        #expect(plain.groups == nil && plain.groupTest == nil)
        var labels = Self.grouped.labels
        labels[11] = "alone"
        #expect(SeedNoise(theta: theta, posteriors: posteriors, groups: labels) == nil)
        #expect(SeedNoise(theta: [], posteriors: [], groups: []) == nil)
    }

    @Test("Codable: snake_case keys, absent without groups, and a model.json seed_noise without them still decodes")
    func codable() throws {
        let (theta, labels, posteriors) = Self.grouped
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let plain = try #require(SeedNoise(theta: theta, posteriors: posteriors))
        let plainJSON = try #require(String(data: try encoder.encode(plain), encoding: .utf8))
        #expect(!plainJSON.contains("groups") && !plainJSON.contains("bartlett"))
        let old = #"{"covariance":[[1,0],[0,1]],"degrees_of_freedom":9,"posterior_covariance":[[0.1,0],[0,0.1]],"replicates":10}"#
        let decoded = try JSONDecoder().decode(SeedNoise.self, from: Data(old.utf8))
        #expect(decoded.groups == nil && decoded.groupTest == nil && decoded.replicates == 10)
        let grouped = try #require(SeedNoise(theta: theta, posteriors: posteriors, groups: labels))
        let json = try #require(String(data: try encoder.encode(grouped), encoding: .utf8))
        for key in ["\"groups\"", "\"bartlett\"", "\"aggregate_sd\"", "\"largest_group\"", "\"smallest_group\"",
                    "\"rule\":\"pooled\"", "\"statistic\"", "\"p\""] {
            #expect(json.contains(key), "\(key)")
        }
        #expect(try JSONDecoder().decode(SeedNoise.self, from: Data(json.utf8)) == grouped)
    }

    // MARK: - Analyses of noise files with groups

    /// A sweep of 80 runs (8 tasks, 2 factors, seed noise in score space) and
    /// 12 seeds of each of its first 2 mixtures, grouped by `replicate_group`.
    static let files: (sweep: EvalMatrix, noise: EvalMatrix) = {
        let sweep = SyntheticSweep(runs: 80, tasks: 8, factors: 2, seed: 31, noiseRuns: 12, seedNoiseTheta: 0.3,
                                   replicateMixtures: 2)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("irtkit-replicate-groups-\(UUID())")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sweepURL = dir.appendingPathComponent("sweep.csv"), noiseURL = dir.appendingPathComponent("noise.csv")
        try! sweep.writeSweep(to: sweepURL)
        try! sweep.writeNoise(to: noiseURL)
        let noise = try! EvalMatrix(contentsOf: noiseURL)
        return (try! EvalMatrix(contentsOf: sweepURL), Self.rewritten(noise) { _, _, x in x })
    }()

    static let groupColumn = "replicate_group"

    /// `noise` as a new CSV named `noise.csv`: each task cell through `value(row, task, x)`,
    /// each group label through `label(row, label)`.
    static func rewritten(_ noise: EvalMatrix, label: (Int, String) -> String = { $1 },
                          value: (Int, String, Double?) -> Double?) -> EvalMatrix {
        let tasks = noise.columnNames.filter { $0.hasPrefix("eval/") }
        let columns = tasks.map { try! noise.numbers($0) }
        let groups = noise.strings(groupColumn)!, status = noise.strings("status")!
        var lines = [(["run_name", "status", groupColumn] + tasks).joined(separator: ",")]
        for r in 0..<noise.rowCount {
            let cells = tasks.indices.map { t in value(r, tasks[t], columns[t][r]).map { "\($0)" } ?? "" }
            lines.append(([noise.runNames[r], status[r], label(r, groups[r])] + cells).joined(separator: ","))
        }
        return try! EvalMatrix(csv: lines.joined(separator: "\n") + "\n", source: "noise.csv")
    }

    static func options(group: String?) -> AnalysisOptions {
        var o = AnalysisOptions(draws: 20, rankDraws: 200).withoutFitChecks
        o.fit.factors = 2
        o.replicateGroupColumn = group
        return o
    }

    static func analyse(_ noise: EvalMatrix, group: String? = groupColumn) throws -> AnalysisResult {
        try Analysis(sweep: files.sweep, noise: noise, options: options(group: group)).run()
    }

    /// The replicates' leave-one-out deviations under `model` (what the analysis estimates from), in file order.
    static func leaveOneOut(_ noise: EvalMatrix, model: FittedModel, grouped: Bool = true) throws -> [[Double]] {
        try SeedNoise.leaveOneOutDeviations(z: model.standardized(noise), model: model,
                                            groups: grouped ? noise.strings(groupColumn) : nil)
    }

    /// The replicates of `noise` scored with `model`, split by group (file order of groups).
    static func scoredGroups(_ noise: EvalMatrix, model: FittedModel) throws -> [(name: String, theta: [[Double]], posteriors: [[[Double]]])] {
        let scores = try model.score(noise)
        let labels = noise.strings(groupColumn)!
        #expect(scores.theta.rows == noise.rowCount)
        var out: [(name: String, theta: [[Double]], posteriors: [[[Double]]])] = []
        for (i, label) in labels.enumerated() {
            if out.last?.name != label { out.append((label, [], [])) }
            out[out.count - 1].theta.append(scores.theta.row(i))
            out[out.count - 1].posteriors.append(scores.covariance(ofRun: i).rowArrays)
        }
        return out
    }

    @Test("Two groups of equal seed noise: pooled (ν = 22), said in a warning; noise floor and SNR as without groups")
    func equalGroupsArePooled() throws {
        let result = try Self.analyse(Self.files.noise)
        let model = try #require(result.model)
        let seed = try #require(model.seedNoise)
        let u = try #require(result.uncertainty)
        let test = try #require(u.bartlett)
        #expect(test.rule == .pooled && test.p >= 0.05 && test.degreesOfFreedom == 1)
        #expect(u.seedGroups?.map(\.name) == ["run_00001", "run_00002"] && u.seedGroups?.map(\.runs) == [12, 12])
        #expect(u.seedCovarianceDF == 22 && u.seedReplicates == 24 && seed.degreesOfFreedom == 22)
        // Σ̂ is the per-group formula on the replicates' leave-one-out deviations under the same model.
        let deviations = try Self.leaveOneOut(Self.files.noise, model: model)
        let labels = Self.files.noise.strings(Self.groupColumn)!
        var direct = [[Double]](repeating: [0, 0], count: 2)
        for d in deviations { for a in 0..<2 { for b in 0..<2 { direct[a][b] += d[a] * d[b] / 22 } } }
        #expect(maxAbsDifference(seed.covariance, direct) < 1e-12)
        // Bartlett's statistic on the groups' own aggregate variances.
        let own = ["run_00001", "run_00002"].map { name in
            labels.indices.filter { labels[$0] == name }.reduce(0.0) { sum, i in
                let a = (deviations[i][0] + deviations[i][1]) / 2
                return sum + a * a / 11
            }
        }
        let expected = SeedNoise.GroupTest.bartlett(variances: own, degreesOfFreedom: [11, 11])
        #expect(abs(test.statistic - expected.statistic) < 1e-9 && abs(test.p - expected.p) < 1e-9)
        let kinds = result.warnings.map(\.kind)
        #expect(kinds.contains(.seedNoiseGrouped) && !kinds.contains(.seedNoiseUnequal))
        #expect(!kinds.contains(.uncertaintyModelBased))
        let said = try #require(result.warnings.first { $0.kind == .seedNoiseGrouped })
        #expect(said.message.contains("pooled") && said.message.contains("noise floor"))
        #expect(said.subjects == ["run_00001", "run_00002"])

        // Without the column: one mixture, as before — no group keys, no group warnings, and the
        // noise floor and signal-to-noise are those of the grouped analysis.
        let plain = try Self.analyse(Self.files.noise, group: nil)
        #expect(plain.uncertainty?.seedGroups == nil && plain.uncertainty?.bartlett == nil)
        #expect(plain.model?.seedNoise?.groups == nil && plain.uncertainty?.seedCovarianceDF == 23)
        #expect(!plain.warnings.map(\.kind).contains(.seedNoiseGrouped))
        #expect(plain.snr == result.snr && plain.noiseShare == result.noiseShare && plain.loadings == result.loadings)
        let json = try #require(String(data: try JSONEncoder().encode(plain.uncertainty), encoding: .utf8))
        #expect(!json.contains("seed_groups") && !json.contains("bartlett"))
        let groupedJSON = try #require(String(data: try JSONEncoder().encode(result.uncertainty), encoding: .utf8))
        #expect(groupedJSON.contains("\"seed_groups\"") && groupedJSON.contains("\"bartlett\""))
    }

    @Test("One group's replicate deviations × 3: seed_noise_unequal, and its own estimate (11 df) for every run")
    func unequalGroupsUseTheNoisiest() throws {
        let noise = Self.files.noise
        let labels = noise.strings(Self.groupColumn)!
        let tasks = noise.columnNames.filter { $0.hasPrefix("eval/") }
        var means: [String: Double] = [:]
        for task in tasks {
            let x = try noise.numbers(task)
            let rows = labels.indices.filter { labels[$0] == "run_00002" }
            means[task] = rows.reduce(0) { $0 + x[$1]! } / Double(rows.count)
        }
        let scaled = Self.rewritten(noise) { r, task, x in
            labels[r] == "run_00002" ? x.map { means[task]! + 3 * ($0 - means[task]!) } : x
        }
        let result = try Self.analyse(scaled)
        let model = try #require(result.model)
        let seed = try #require(model.seedNoise)
        let test = try #require(result.uncertainty?.bartlett)
        #expect(test.p < 0.05 && test.rule == .largestGroup)
        #expect(test.largestGroup == "run_00002" && test.smallestGroup == "run_00001")
        #expect(seed.degreesOfFreedom == 11 && seed.replicates == 12)
        let warning = try #require(result.warnings.first { $0.kind == .seedNoiseUnequal })
        #expect(warning.subjects == ["run_00002", "run_00001"])
        #expect(warning.message.contains("p = ") && warning.message.contains("\"run_00002\" (the largest)")
                && warning.message.contains("\"run_00001\" (the smallest)"))
        // The estimate used is run_00002's own (its leave-one-out deviations under the same model).
        let groups = try Self.scoredGroups(scaled, model: model)
        let deviations = try Self.leaveOneOut(scaled, model: model)
        let rows = labels.indices.filter { labels[$0] == "run_00002" }
        let own = try #require(SeedNoise(deviations: rows.map { deviations[$0] }, posteriors: groups[1].posteriors))
        #expect(maxAbsDifference(seed.covariance, own.covariance) < 1e-12)
        // The model scores deviations linearly: in-sample, the scaled group's aggregate sd is
        // 3× that of the unscaled replicates under the same model.
        let inSample = try #require(SeedNoise(theta: groups[1].theta, posteriors: groups[1].posteriors))
        let unscaled = try Self.scoredGroups(noise, model: model)[1]
        let before = Self.sampleVariance(unscaled.theta.map { ($0[0] + $0[1]) / 2 }).squareRoot()
        #expect(abs(inSample.aggregateVariance.squareRoot() - 3 * before) < 1e-9 * before)
    }

    @Test("A group column missing from the noise file, or an empty label: errors naming file, column and line")
    func missingColumnAndLabel() throws {
        #expect(throws: AnalysisError.missingColumn(file: "noise.csv", column: "mixture")) {
            try Self.analyse(Self.files.noise, group: "mixture")
        }
        let blank = Self.rewritten(Self.files.noise, label: { r, l in r == 4 ? "  " : l }) { _, _, x in x }
        let error = AnalysisError.missingReplicateGroup(file: "noise.csv", line: 6, run: Self.files.noise.runNames[4],
                                                        column: Self.groupColumn)
        #expect(throws: error) { try Self.analyse(blank) }
        #expect(error.description.hasPrefix("noise.csv:6: ") && !error.description.contains("\n"))
        #expect(AnalysisError.missingColumn(file: "noise.csv", column: "mixture").description.hasPrefix("noise.csv: "))
    }

    @Test("A group of 1 scorable run, or of 0 (no task of the model): an error naming the group and its count")
    func tooSmallGroups() throws {
        let last = Self.files.noise.rowCount - 1
        let lonely = Self.rewritten(Self.files.noise, label: { r, l in r == last ? "lonely" : l }) { _, _, x in x }
        let error = AnalysisError.replicateGroupTooSmall(file: "noise.csv", column: Self.groupColumn, group: "lonely", runs: 1)
        #expect(throws: error) { try Self.analyse(lonely) }
        #expect(error.description.hasPrefix("noise.csv: ") && error.description.contains("\"lonely\"")
                && error.description.contains("1 replicate run(s)") && !error.description.contains("\n"))

        // Two rows of a group with no task value: neither is scored.
        let model = try #require(try Self.analyse(Self.files.noise).model)
        let ghost = Self.rewritten(Self.files.noise, label: { r, l in r < 2 ? "ghost" : l }) { r, _, x in r < 2 ? nil : x }
        #expect(throws: AnalysisError.replicateGroupTooSmall(file: "noise.csv", column: Self.groupColumn, group: "ghost", runs: 0)) {
            try Analysis.seedNoise(ghost, model: model, groupColumn: Self.groupColumn)
        }
        // One group of 2 runs: 1 degree of freedom, too few — model-based, said why.
        let two = Self.files.noise.filteringRows { $0 < 2 }
        let (none, warnings) = try Analysis.seedNoise(two, model: model, groupColumn: Self.groupColumn)
        #expect(none == nil && warnings.map(\.kind) == [.uncertaintyModelBased])
        #expect(warnings.first?.message.contains("1 degree(s) of freedom") == true)
        // No noise file: model-based, whatever the column.
        let (absent, why) = try Analysis.seedNoise(nil, model: model, groupColumn: Self.groupColumn)
        #expect(absent == nil && why.map(\.kind) == [.uncertaintyModelBased])
    }

    // MARK: - Without the option: the estimate of before

    @Test("Without a group column the bundled sample's seed noise is the one-mixture estimate, unchanged")
    func sampleWithoutGroups() throws {
        let result = SharedRuns.defaults[.fixed]!
        let model = try #require(result.model)
        let kept = SharedRuns.fixedNoise.completedRuns()
        let scores = try model.score(kept)
        let loo = try SeedNoise.leaveOneOutDeviations(z: model.standardized(kept), model: model)
        let today = try #require(SeedNoise(deviations: loo, posteriors: (0..<scores.theta.rows).map {
            scores.covariance(ofRun: $0).rowArrays
        }))
        #expect(model.seedNoise == today)
        #expect(today.groups == nil && today.groupTest == nil && today.replicates == 10 && today.degreesOfFreedom == 9)
        let (again, warnings) = try Analysis.seedNoise(kept, model: model)
        #expect(again == today && warnings.isEmpty)
        #expect(result.uncertainty?.seedGroups == nil && result.uncertainty?.bartlett == nil)
        // Its one mixture named as a group: the same numbers, one group, no test, no warning.
        let (one, said) = try Analysis.seedNoise(kept, model: model, groupColumn: "noise_source_run_name")
        let grouped = try #require(one)
        #expect(grouped.covariance == today.covariance && grouped.posteriorCovariance == today.posteriorCovariance)
        #expect(grouped.degreesOfFreedom == 9 && grouped.groupTest == nil && said.isEmpty)
        #expect(grouped.groups?.map(\.name) == ["run_00097"] && grouped.groups?.map(\.runs) == [10])
    }

    /// The sample variance (divisor n − 1).
    static func sampleVariance(_ x: [Double]) -> Double {
        let mean = x.reduce(0, +) / Double(x.count)
        return x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1)
    }
}
