import Foundation
import Linalg
@testable import IRTModel
import Testing

/// Inputs at the edge of what the method can take: infinities, constant
/// columns whose mean does not round-trip, identical replicates, missing
/// replicate cells, a dead starting factor.
@Suite("Degenerate inputs give typed errors or documented results, never a crash")
struct DegenerateInputTests {
    typealias Cases = AnalysisErrorTests

    @Test("An infinite or overflowing cell is a named error", arguments: ["inf", "-Infinity", "1e400"])
    func nonFiniteCell(_ value: String) throws {
        let sweep = Cases.sweepCSV.replacingOccurrences(of: "r3,completed,0.95", with: "r3,completed,\(value)")
        let error = try Cases.failure(sweep: sweep)
        #expect(error == .nonFiniteCell(file: "sweep.csv", line: 4, column: "lm_eval/a/bpb", value: value))
    }

    @Test("A constant task whose mean does not round-trip is dropped, not an error")
    func constantTaskDropped() throws {
        // Three tasks stay after the drop: a factor model needs at least 3.
        var rows = ["run_name,status,lm_eval/a/bpb,lm_eval/b/bpb,eval/paloma/c/bpb,eval/paloma/d/bpb"]
        for i in 0..<30 {
            rows.append("r\(i),completed,109951162777.6,\(1 + 0.01 * Double(i * i % 7)),\(2 + 0.02 * Double(i % 5)),\(3 + 0.03 * Double(i * 3 % 11))")
        }
        let sweep = try EvalMatrix(csv: rows.joined(separator: "\n"), source: "sweep.csv")
        let result = try Analysis(sweep: sweep, options: Cases.options()).run()
        #expect(result.droppedTasks == ["lm_eval/a/bpb"])
        #expect(result.tasks == ["lm_eval/b/bpb", "eval/paloma/c/bpb", "eval/paloma/d/bpb"])
    }

    @Test("Every task constant is its own error")
    func allConstant() throws {
        let sweep = "run_name,lm_eval/a/bpb,lm_eval/b/bpb\nr1,1,2\nr2,1,2\nr3,1,2\nr4,1,2"
        let error = try Cases.failure(sweep: sweep)
        #expect(error == .allTasksConstant(file: "sweep.csv", tasks: ["lm_eval/a/bpb", "lm_eval/b/bpb"]))
    }

    @Test("Identical replicates: unbounded SNR with a caveat")
    func identicalReplicates() throws {
        let noise = "run_name,lm_eval/a/bpb,lm_eval/b/bpb,eval/paloma/c/bpb\nn1,1.1,2.0,3.1\nn2,1.1,2.0,3.1\nn3,1.1,2.0,3.1"
        let sweep = try EvalMatrix(csv: Cases.sweepCSV, source: "sweep.csv")
        let result = try Analysis(sweep: sweep, noise: EvalMatrix(csv: noise, source: "noise.csv"),
                                  options: Cases.options()).run()
        let snr = try #require(result.snr)
        // Identical replicates score identically up to the rounding of the BLAS
        // product (rows may take different kernel paths): var_noise is 0 or at
        // most 1e-12 of var_sweep, the documented threshold of an unbounded SNR.
        print("identical replicates: var_noise \(snr.aggregate.varNoise), var_sweep \(snr.aggregate.varSweep)")
        #expect(snr.aggregate.varNoise <= 1e-12 * snr.aggregate.varSweep)
        // k = 1: the factor and the aggregate are the same scores, both unbounded.
        #expect(result.warnings.filter { $0.kind == .unboundedSNR }.map(\.subjects) == [["θ1", "the aggregate"]])
    }

    @Test("A missing replicate cell takes the replicates' mean: it adds no noise")
    func missingReplicateCell() throws {
        let sweep = try EvalMatrix(csv: Cases.sweepCSV, source: "sweep.csv").completedRuns()
        let full = "run_name,lm_eval/a/bpb,lm_eval/b/bpb,eval/paloma/c/bpb\nn1,1.10,2.05,3.2\nn2,1.12,2.02,3.1\nn3,1.09,2.06,3.3\nn4,1.11,2.04,3.2"
        let gap = try EvalMatrix(csv: full.replacingOccurrences(of: "n4,1.11,", with: "n4,,"), source: "noise.csv")
        // The same file with the gap filled by the mean of the other three replicates.
        let filled = try EvalMatrix(csv: full.replacingOccurrences(of: "n4,1.11,", with: "n4,\((1.10 + 1.12 + 1.09) / 3),"),
                                    source: "noise.csv")
        // One model for both, so only the projection of the noise rows differs.
        let prepared = try PreparedSweep(sweep: sweep, selection: .reference)
        let fit = try FactorModel(z: prepared.z, k: 1, anchors: [nil, nil, nil])
        let model = try FittedModel(prepared: prepared, fit: fit, anchored: [false, false, false],
                                    selection: .reference, source: "sweep.csv")
        let theta = try Matrix(rows: model.sweep.theta)
        let a = try SignalToNoiseSummary(prepared: prepared, noise: gap, model: model, sweepScores: theta)
        let b = try SignalToNoiseSummary(prepared: prepared, noise: filled, model: model, sweepScores: theta)
        #expect(abs(a.aggregate.varNoise - b.aggregate.varNoise) <= 1e-12 * b.aggregate.varNoise)
    }

    @Test("A starting factor that is zero for every task is rejected")
    func deadStartingFactor() throws {
        // One factor (3 tasks allow no more: a wider Λ0 is refused by the factor cap first).
        let start = [[0.0], [0.0], [0.0]]
        let error = try Cases.failure(sweep: Cases.sweepCSV,
                                      options: Cases.options(fit: FitOptions(factors: 1, initialLoadings: start)))
        #expect(error == .invalidInitialLoadings(
            reason: "give factor 1 a zero loading on every task; each factor needs a positive loading to move"))
    }

    @Test("Absurd draw counts are an option error, not an overflow")
    func hugeDraws() throws {
        let error = try Cases.failure(sweep: Cases.sweepCSV, options: Cases.options(draws: Int.max / 2))
        guard case let .invalidOption(message)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(message.contains("too large"))   // an option error carries only words
    }
}
