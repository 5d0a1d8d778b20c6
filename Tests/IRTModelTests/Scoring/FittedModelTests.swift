import Foundation
import IRTModel
import Linalg
import LinalgReference
import Testing

/// The fitted model as a value: model.json round trip and schema check, scoring
/// new runs (complete and partial) against the exact Gaussian posterior.
@Suite("FittedModel: model.json and scoring")
struct FittedModelTests {
    static var result: AnalysisResult { SharedRuns.defaults[.fixed]! }
    static var model: FittedModel { result.model! }

    @Test("model.json round trip is exact")
    func roundTrip() throws {
        let data = try Self.model.encoded()
        let back = try FittedModel(json: data, source: "model.json")
        #expect(back == Self.model)
        #expect(try back.encoded() == data)
        #expect(back.schemaVersion == FittedModel.currentSchemaVersion)
        #expect(back.tasks.count == Self.result.nTasks && back.factorCount == Self.result.k)
        #expect(back.factorLabels == Self.result.factorLabels)
        #expect(back.provenance.kChoice == Self.result.kChoice)
    }

    @Test("Another schema_version, a result.json or a missing key is refused, naming the file")
    func refusesForeignFiles() throws {
        /// The file and reason of the `.invalidModel` that reading `data` throws.
        func refusal(_ data: Data, source: String = "m.json") -> (file: String, reason: String)? {
            do throws(AnalysisError) { _ = try FittedModel(json: data, source: source) } catch {
                guard case let .invalidModel(file, reason) = error else { Issue.record("\(error)"); return nil }
                return (file, reason)
            }
            Issue.record("accepted \(source)")
            return nil
        }
        var object = try #require(try JSONSerialization.jsonObject(with: Self.model.encoded()) as? [String: Any])
        object["schema_version"] = 99
        // The reasons are one string per failure: their wording (what was found,
        // what is expected, how to fix it) is what a person acts on.
        let future = try #require(refusal(try JSONSerialization.data(withJSONObject: object)))
        #expect(future.file == "m.json")
        #expect(future.reason.hasPrefix("schema_version 99"))
        let readable = FittedModel.readableSchemaVersions
        #expect(future.reason.contains("reads schema_version \(readable.lowerBound)–\(readable.upperBound)"))
        let result = try #require(refusal(try JSONCoding.encode(Self.result), source: "result.json"))
        #expect(result.file == "result.json" && result.reason.hasPrefix("this is a result.json"))
        object["schema_version"] = FittedModel.currentSchemaVersion
        object.removeValue(forKey: "tasks")
        let withoutTasks = try #require(refusal(try JSONSerialization.data(withJSONObject: object)))
        #expect(withoutTasks.reason.contains("tasks"))
        let notJSON = try #require(refusal(Data("not json".utf8)))
        #expect(notJSON.file == "m.json" && notJSON.reason.hasPrefix("not a JSON object"))
    }

    @Test("Scoring the sweep with its model reproduces the analysis' θ (1e-10)")
    func scoresTheSweep() throws {
        let kept = SharedRuns.sweep.filteringRows { SharedRuns.sweep.strings("status")![$0] == "completed" }
        let scores = try Self.model.score(kept)
        #expect(scores.runNames == Self.result.runNames)
        #expect(maxAbsDifference(scores.theta.rowArrays, Self.result.theta) < 1e-10)
        #expect(scores.coverage.allSatisfy { $0 == 1 })
        #expect(scores.covariances.count == 1 && scores.skipped.isEmpty)
        // Through a saved and re-read model too.
        let reread = try FittedModel(json: Self.model.encoded(), source: "model.json")
        #expect(maxAbsDifference(try reread.score(kept).theta.rowArrays, Self.result.theta) < 1e-10)
    }

    @Test("Scoring the fixed-subset noise file reproduces the θ used for the SNR (1e-10)")
    func scoresTheNoise() throws {
        let scores = try Self.model.score(SharedRuns.fixedNoise)
        let noiseTheta = try #require(Self.result.noiseTheta)
        #expect(scores.coverage.allSatisfy { $0 == 1 })
        #expect(maxAbsDifference(scores.theta.rowArrays, noiseTheta) < 1e-10)
    }

    /// `ΛₒᵀΣₒₒ⁻¹zₒ` and `I − ΛₒᵀΣₒₒ⁻¹Λₒ` with `Σₒₒ = ΛₒΛₒᵀ + Ψₒ`, by the pure-Swift LU.
    static func directPosterior(_ model: FittedModel, observed: [Int], z: [Double]) throws -> (theta: [Double], v: Matrix) {
        let k = model.factorCount, m = observed.count
        let lo = Matrix(rows: m, columns: k) { r, j in model.tasks[observed[r]].loadings[j] }
        var sigma = Reference.naiveProduct(lo, Reference.transpose(lo))
        for r in 0..<m { sigma[r, r] += model.tasks[observed[r]].psi }
        var rhs = Matrix(rows: m, columns: k + 1)
        for r in 0..<m {
            for j in 0..<k { rhs[r, j] = lo[r, j] }
            rhs[r, k] = z[r]
        }
        let solved = try Reference.luSolve(sigma, rhs)          // Σ⁻¹ [Λₒ | zₒ]
        var v = Matrix.identity(k)
        var theta = [Double](repeating: 0, count: k)
        for a in 0..<k {
            for r in 0..<m { theta[a] += lo[r, a] * solved[r, k] }
            for b in 0..<k {
                var s = 0.0
                for r in 0..<m { s += lo[r, a] * solved[r, b] }
                v[a, b] -= s
            }
        }
        return (theta, v)
    }

    @Test("Runs with half their tasks removed get the exact Gaussian conditional (1e-10)", arguments: [1, 2, 3])
    func partialRuns(seed: UInt64) throws {
        let model = Self.model
        let p = model.tasks.count, k = model.factorCount
        let kept = SharedRuns.sweep.filteringRows { SharedRuns.sweep.strings("status")![$0] == "completed" }
        let rows = 12
        var rng = Xoshiro256StarStar(seed: seed)
        // A CSV of the first rows with a random half of each row's task cells empty,
        // and one row with every cell empty (skipped, listed).
        var masks: [[Bool]] = []
        var text = "run_name," + model.tasks.map(\.name).joined(separator: ",") + "\n"
        let columns = try model.tasks.map { try kept.numbers($0.name) }
        for i in 0..<rows {
            var keep = [Bool](repeating: false, count: p)
            for t in Array(0..<p).shuffled(using: &rng).prefix(p / 2) { keep[t] = true }
            masks.append(keep)
            text += kept.runNames[i] + "," + (0..<p).map { keep[$0] ? "\(columns[$0][i]!)" : "" }.joined(separator: ",") + "\n"
        }
        text += "empty_run" + String(repeating: ",", count: p) + "\n"
        let scores = try model.score(EvalMatrix(csv: text, source: "partial.csv"))
        #expect(scores.runNames == Array(kept.runNames.prefix(rows)))
        #expect(scores.skipped.map(\.run) == ["empty_run"] && scores.skipped[0].line == rows + 2)
        for i in 0..<rows {
            let observed = (0..<p).filter { masks[i][$0] }
            let z = observed.map { t in
                (model.tasks[t].direction.sign * columns[t][i]! - model.tasks[t].mean) / model.tasks[t].sd
            }
            let direct = try Self.directPosterior(model, observed: observed, z: z)
            #expect(maxAbsDifference(scores.theta.row(i), direct.theta) < 1e-10)
            #expect(try scores.covariance(ofRun: i).maxAbsDifference(direct.v) < 1e-10)
            #expect(scores.coverage[i] == Double(p / 2) / Double(p))
            let v = scores.covariance(ofRun: i)
            let sum = (0..<k).reduce(0.0) { s, a in (0..<k).reduce(s) { $0 + v[a, $1] } }
            #expect(abs(scores.aggregateSD[i] - sum.squareRoot() / Double(k)) < 1e-15)
            #expect(scores.thetaSD[i] == (0..<k).map { v[$0, $0].squareRoot() })
            // Fewer tasks, wider posterior than the complete one.
            #expect(scores.aggregateSD[i] > Self.model.sweep.aggregateSD[i])
        }
    }

    @Test("A file where no run has any model task is an error; an absent task is just unobserved")
    func noTaskAtAll() throws {
        let csv = EvalMatrix.self
        let none = try csv.init(csv: "run_name,other\na,1\nb,2", source: "none.csv")
        #expect(throws: AnalysisError.noModelTask(file: "none.csv", tasks: Self.model.tasks.map(\.name))) {
            try Self.model.score(none)
        }
        let first = Self.model.tasks[0].name
        let one = try csv.init(csv: "run_name,\(first)\na,1.0\nb,", source: "one.csv")
        let scores = try Self.model.score(one)
        #expect(scores.runNames == ["a"] && scores.skipped.map(\.run) == ["b"])
        #expect(scores.coverage == [1 / Double(Self.model.tasks.count)])
    }

    @Test("A non-numeric cell in a task column names file, line and column")
    func badCell() throws {
        let first = Self.model.tasks[0].name
        let bad = try EvalMatrix(csv: "run_name,\(first)\na,1.0\nb,oops", source: "bad.csv")
        #expect(throws: AnalysisError.nonNumericCell(file: "bad.csv", line: 3, column: first, value: "oops")) {
            try Self.model.score(bad)
        }
    }
}
