import Foundation
import IRTModel
import Testing
@testable import IRTReport

@Suite("The report renders degenerate results")
struct DegenerateReportTests {
    @Test("Identical replicates: the unbounded SNR prints as ∞×")
    func identicalReplicates() throws {
        let sweep = """
            run_name,status,lm_eval/a/bpb,lm_eval/b/bpb,eval/paloma/c/bpb
            r1,completed,1.00,2.00,3.0
            r2,completed,1.10,2.10,3.3
            r3,completed,0.95,1.90,2.8
            r4,completed,1.05,2.15,3.1
            r5,completed,0.90,1.95,2.9
            """
        let noise = "run_name,lm_eval/a/bpb,lm_eval/b/bpb,eval/paloma/c/bpb\nn1,1.1,2.0,3.1\nn2,1.1,2.0,3.1\nn3,1.1,2.0,3.1"
        let result = try Analysis(
            sweep: EvalMatrix(csv: sweep, source: "sweep.csv"), noise: EvalMatrix(csv: noise, source: "noise.csv"),
            options: AnalysisOptions(draws: 20, fit: FitOptions(factors: 1)).withoutFitChecks).run()
        #expect(result.snr?.aggregate.snr == .infinity)
        #expect(HTMLReport.render(result).contains("∞×"))
    }
}
