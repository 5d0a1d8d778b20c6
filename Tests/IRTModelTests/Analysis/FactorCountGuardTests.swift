import Foundation
import IRTModel
import Linalg
import Testing

/// What a factor model can be fitted to: at least 3 tasks, and no more factors
/// than Ledermann's bound — starting loadings included.
@Suite("Factor count guards")
struct FactorCountGuardTests {
    static func leaderboard(_ patterns: [String], fit: FitOptions = FitOptions()) throws -> Analysis {
        var options = AnalysisOptions(selection: .patterns(include: patterns), draws: 50, threads: 1, fit: fit,
                                      runColumn: "Model").withoutFitChecks
        options.heldOutMetrics = []
        return try Analysis(sweep: options.reading(EvalMatrix(contentsOf: OpenLLMLeaderboardTests.url)), options: options)
    }

    @Test("--em-init with more columns than Ledermann's bound is refused, naming the bound (3 columns on 4 tasks: at most 1)")
    func emInitObeysFactorCap() throws {
        var fit = FitOptions(factors: 3)
        fit.initialLoadings = [[0.5, 0.1, 0.2], [0.4, 0.3, 0.1], [0.6, 0.2, 0.3], [0.3, 0.1, 0.4]]
        let analysis = try Self.leaderboard(["ARC*", "HellaSwag*", "MMLU*", "TruthfulQA*"], fit: fit)
        do throws(AnalysisError) {
            _ = try analysis.run()
            Issue.record("a Λ0 of 3 columns was fitted on 4 tasks")
        } catch {
            guard case let .invalidInitialLoadings(reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("3 columns") && reason.contains("at most 1 factor"))
        }
        // --factors 3 without a Λ0 is capped at 1 (with its warning), as before.
        let capped = try Self.leaderboard(["ARC*", "HellaSwag*", "MMLU*", "TruthfulQA*"], fit: FitOptions(factors: 3)).run()
        #expect(capped.k == 1 && capped.kChoice.capped == 3 && capped.warnings.contains { $0.kind == .factorsCapped })
        // A Λ0 within the bound fixes k.
        var one = FitOptions(factors: 1)
        one.initialLoadings = [[0.5], [0.4], [0.6], [0.3]]
        let fixed = try Self.leaderboard(["ARC*", "HellaSwag*", "MMLU*", "TruthfulQA*"], fit: one).run()
        #expect(fixed.k == 1 && fixed.kChoice.rule == .initialLoadings)
    }

    @Test("Fewer than 3 tasks are refused, naming them (runs and a correlation matrix); 3 tasks fit without NaN")
    func fewerThanThreeTasksRefused() throws {
        let two = try Self.leaderboard(["ARC*", "HellaSwag*"])
        do throws(AnalysisError) {
            _ = try two.run()
            Issue.record("2 tasks fitted")
        } catch {
            guard case let .tooFewTasks(_, tasks) = error else { Issue.record("\(error)"); return }
            #expect(tasks == ["ARC(25-shot)", "HellaSwag(10-shot)"])
            #expect(error.description.contains("at least 3") && !error.description.contains("\n"))
        }
        for text in ["a\n1\n", "a,b\n1,0.5\n0.5,1\n"] {
            let input = try CorrelationInput(csv: text, source: "r.csv", observations: 50)
            do throws(AnalysisError) {
                _ = try Analysis.run(correlation: input, options: AnalysisOptions(draws: 20, threads: 1))
                Issue.record("\(input.tasks.count) task(s) fitted")
            } catch {
                guard case let .tooFewTasks(file, tasks) = error else { Issue.record("\(error)"); return }
                #expect(file == "r.csv" && tasks == input.tasks)
            }
        }
        // Three tasks: df = 0, a just-identified model; nothing in the result is NaN.
        let three = try Self.leaderboard(["ARC*", "HellaSwag*", "MMLU*"]).run()
        let json = String(decoding: try JSONCoding.encode(three), as: UTF8.self)
        let nonFinite = json.split(separator: "\n").filter { $0.contains("NaN") || $0.contains("Infinity") }
        #expect(nonFinite.isEmpty, "\(nonFinite)")
    }
}
