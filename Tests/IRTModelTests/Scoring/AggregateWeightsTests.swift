import Foundation
import IRTModel
import Linalg
import LinalgReference
import Testing

/// What the aggregate is made of: the task weights w = (ΛΛᵀ + Ψ)⁻¹Λc, their
/// shares, effective number of tasks and groups, on the sample and on small cases.
@Suite("Aggregate weights: the aggregate's make-up")
struct AggregateWeightsTests {
    static var result: AnalysisResult { SharedRuns.defaults[.fixed]! }
    static var model: FittedModel { result.model! }

    /// Every row of `runs` signed and z-scored with the model's statistics, `nil` where a cell is missing.
    static func zScores(_ runs: EvalMatrix, _ model: FittedModel) throws -> [[Double?]] {
        var z = [[Double?]](repeating: [Double?](repeating: nil, count: model.tasks.count), count: runs.rowCount)
        for (t, task) in model.tasks.enumerated() {
            let sign: Double = task.direction == .lowerIsBetter ? -1 : 1
            for (i, x) in try runs.numbers(task.name).enumerated() {
                if let x { z[i][t] = (sign * x - task.mean) / task.sd }
            }
        }
        return z
    }

    /// `(ΛΛᵀ + Ψ)⁻¹ Λ c` through a p × p Cholesky (the pure-Swift reference), not the k × k Woodbury form.
    static func referenceWeights(_ model: FittedModel, _ c: [Double]) throws -> [Double] {
        let lambda = model.loadings, p = lambda.rows, k = lambda.columns
        var sigma = Matrix(rows: p, columns: p)
        for a in 0..<p {
            for b in 0..<p {
                sigma[a, b] = (0..<k).reduce(0.0) { $0 + lambda[a, $1] * lambda[b, $1] } + (a == b ? model.psi[a] : 0)
            }
        }
        let lc = Matrix(rows: p, columns: 1) { t, _ in (0..<k).reduce(0.0) { $0 + lambda[t, $1] * c[$1] } }
        let w = try Reference.choleskySolve(sigma, lc)
        return (0..<p).map { w[$0, 0] }
    }

    @Test("w·z equals the scored aggregate to 1e-12 for every complete run of the sample, for the mean and for given weights")
    func weightsReproduceTheAggregate() throws {
        let z = try Self.zScores(SharedRuns.sweep, Self.model)
        let weighted = try Self.model.with(aggregate: AggregateDefinition(weights: [1, 2, 0.5, -0.25], factors: 4))
        var complete = 0
        for model in [Self.model, weighted] {
            let scores = try model.score(SharedRuns.sweep)
            let w = try AggregateWeights.taskWeights(model)
            #expect(model.tasks.map(\.aggregateWeight) == w.map(Optional.some))
            let row = Dictionary(uniqueKeysWithValues: SharedRuns.sweep.lines.enumerated().map { ($1, $0) })
            complete = 0
            for (i, line) in scores.lines.enumerated() {
                let zi = z[row[line]!]
                guard zi.allSatisfy({ $0 != nil }) else { continue }
                complete += 1
                let a = zip(w, zi).reduce(0.0) { $0 + $1.0 * $1.1! }
                #expect(abs(a - scores.aggregate[i]) <= 1e-12 * Swift.max(1, abs(a)))
            }
        }
        #expect(complete >= 200)
    }

    @Test("The sample's weights equal (ΛΛᵀ + Ψ)⁻¹Λc from loadings and ψ, and result.json's make-up is theirs")
    func weightsMatchAnIndependentComputation() throws {
        let model = Self.model, k = model.factorCount
        for c in [[Double](repeating: 1 / Double(k), count: k), [0.1, 0.2, 0.3, 0.4]] {
            let definition = c == [0.1, 0.2, 0.3, 0.4] ? try AggregateDefinition(weights: c, factors: k) : .mean(factors: k)
            let w = try AggregateWeights.taskWeights(model.with(aggregate: definition))
            let reference = try Self.referenceWeights(model, c)
            let scale = reference.map(abs).max()!
            #expect(zip(w, reference).allSatisfy { abs($0 - $1) <= 1e-10 * scale })
        }
        // result.json's make-up, from the result's own loadings and ψ.
        let made = try #require(Self.result.aggregateWeights)
        let reference = try Self.referenceWeights(model, [Double](repeating: 1 / Double(k), count: k))
        let total = reference.reduce(0) { $0 + abs($1) }
        for task in made.tasks {
            let t = try #require(Self.result.tasks.firstIndex(of: task.name))
            #expect(abs(task.share - abs(reference[t]) / total) < 1e-10)
            #expect(task.psi == Self.result.psi[t] && task.noiseShare == Self.result.noiseShare[t])
        }
        let effective = total * total / reference.reduce(0) { $0 + $1 * $1 }
        #expect(abs(made.effectiveTasks - effective) < 1e-8 * effective)
        print("sample: \(made.effectiveTasks) effective tasks of \(made.tasks.count), top 3 hold \(made.top3Share), half the weight on \(made.halfWeightTasks)")
        #expect(zip(made.tasks, made.tasks.dropFirst()).allSatisfy { $0.share >= $1.share })
        #expect(Self.result.warnings.contains { $0.kind == .aggregateConcentrated } == made.isConcentrated)
    }

    @Test("Shares, effective tasks, top 3 and the half-weight count on small cases", arguments: [
        (weights: [1.0, 1, 1, 1], effective: 4.0, top3: 0.75, half: 2),
        (weights: [2.0, 0, 0, 0], effective: 1.0, top3: 1.0, half: 1),
        (weights: [-3.0, 1], effective: 1.6, top3: 1.0, half: 1),
        (weights: [0.0, 0], effective: 0.0, top3: 0.0, half: 0),
        (weights: [5.0], effective: 1.0, top3: 1.0, half: 1),
    ])
    func smallCases(weights: [Double], effective: Double, top3: Double, half: Int) {
        let p = weights.count
        let names = (0..<p).map { "g\($0 % 2)/t\($0)" }
        let w = AggregateWeights(names: names, weights: weights, psi: [Double](repeating: 0.5, count: p),
                                 noiseShare: [Double?](repeating: nil, count: p))
        #expect(abs(w.effectiveTasks - effective) < 1e-12)
        #expect(abs(w.top3Share - top3) < 1e-12)
        #expect(w.halfWeightTasks == half)
        let total = weights.reduce(0) { $0 + abs($1) }
        #expect(abs(w.tasks.reduce(0) { $0 + $1.share } - (total > 0 ? 1 : 0)) < 1e-12)
        #expect(abs(w.byGroup.reduce(0) { $0 + $1.share } - (total > 0 ? 1 : 0)) < 1e-12)
        #expect(w.byGroup.reduce(0) { $0 + $1.tasks } == p)
        #expect(Set(w.tasks.map(\.name)) == Set(names))
    }

    @Test("Concentrated exactly when half the weight sits on fewer than a quarter of the tasks")
    func concentration() {
        func weights(_ w: [Double]) -> AggregateWeights {
            AggregateWeights(names: w.indices.map { "t\($0)" }, weights: w, psi: w.map { _ in 1 },
                             noiseShare: w.map { _ in nil })
        }
        // 8 tasks: one task with half the weight is 1 < 2 = a quarter.
        #expect(weights([7, 1, 1, 1, 1, 1, 1, 1]).isConcentrated)
        // Two tasks hold half: 2 is not fewer than 8/4.
        #expect(!weights([3, 3, 1, 1, 1, 1, 1, 1]).isConcentrated)
        #expect(!weights([1, 1, 1, 1]).isConcentrated)
        #expect(!weights([]).isConcentrated)
        #expect(weights([7, 1, 1, 1, 1, 1, 1, 1]).headline.hasPrefix("the aggregate rests mostly on 1 of 8 tasks"))
    }

    @Test("Task groups: the first matching rule wins, else the name before the first /")
    func groups() throws {
        let groups = TaskGroups(rules: try ["eval/paloma/*=paloma", "eval/*=other eval", "*mmlu*=mcq"]
            .map(TaskGroups.Rule.init(parsing:)))
        #expect(groups.group(of: "eval/paloma/c4_en/bpb") == "paloma")
        #expect(groups.group(of: "eval/uncheatable_eval/x/bpb") == "other eval")
        #expect(groups.group(of: "lm_eval/mmlu_5shot/bpb") == "mcq")
        #expect(groups.group(of: "lm_eval/arc_easy/bpb") == "lm_eval")
        #expect(groups.group(of: "hellaswag") == "hellaswag")
        #expect(TaskGroups().group(of: "/x") == "")
        #expect(try TaskGroups.Rule(parsing: "a=b=c") == TaskGroups.Rule(pattern: Glob("a=b"), name: "c"))
        #expect(groups.unmatchedRules(["eval/paloma/a"]).map(\.name) == ["mcq"])
        for bad in ["no-equals", "=name", "pattern=", "pattern=  "] {
            #expect(throws: AnalysisError.self) { try TaskGroups.Rule(parsing: bad) }
        }
    }
}
