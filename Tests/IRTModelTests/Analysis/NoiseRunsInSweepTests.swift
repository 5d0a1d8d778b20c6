import IRTModel
import Testing

/// A noise file must hold replicates, not runs of the sweep: all of them the
/// sweep's is an error, some of them a warning naming them.
@Suite("Noise file: runs of the sweep")
struct NoiseRunsInSweepTests {
    typealias Cases = AnalysisErrorTests

    /// The header and the rows of `Cases.sweepCSV` named.
    static func rows(_ names: [String]) -> String {
        let lines = Cases.sweepCSV.split(separator: "\n").map(String.init)
        return ([lines[0]] + lines.dropFirst().filter { line in names.contains { line.hasPrefix($0 + ",") } })
            .joined(separator: "\n")
    }

    static func analyse(noise: String) throws -> Result<AnalysisResult, AnalysisError> {
        let s = try EvalMatrix(csv: Cases.sweepCSV, source: "sweep.csv")
        let n = try EvalMatrix(csv: noise, source: "noise.csv")
        do { return .success(try Analysis(sweep: s, noise: n, options: Cases.options()).run()) } catch {
            return .failure(error)
        }
    }

    @Test("Some of the sweep's own runs as the noise file: refused; a few among replicates: warned, named")
    func noiseRunsOfTheSweepAreRefused() throws {
        // Three runs of the sweep (like `head -4 sweep.csv`): every noise run is a sweep run.
        guard case let .failure(error) = try Self.analyse(noise: Self.rows(["r1", "r2", "r3"])) else {
            Issue.record("three of the sweep's runs were accepted as replicates")
            return
        }
        #expect(error == .noiseIsSweep(file: "noise.csv", sweep: "sweep.csv", runs: 3))
        #expect(error.description.hasPrefix("noise.csv: "))

        // Two sweep runs among three replicates: analysed, with a warning naming r2 and r5.
        let mixed = Self.rows(["r2", "r5"]) + "\nn1,completed,1.10,2.06,3.31\nn2,completed,1.11,2.04,3.29\nn3,completed,1.09,2.05,3.30"
        let result = try Self.analyse(noise: mixed).get()
        let warning = try #require(result.warnings.first { $0.kind == .noiseRunsInSweep })
        #expect(warning.subjects == ["r2", "r5"])
        #expect(warning.message.hasPrefix("2 of the noise file's 5 replicate run(s) are runs of the sweep"))

        // A replicate named like a sweep run but with other values is a replicate: no warning.
        let renamed = "run_name,status,lm_eval/a/bpb,lm_eval/b/bpb,eval/paloma/c/bpb\nr1,completed,1.11,2.05,3.30\nn2,completed,1.12,2.04,3.29\nn3,completed,1.09,2.05,3.31"
        #expect(try !Self.analyse(noise: renamed).get().warnings.contains { $0.kind == .noiseRunsInSweep })
        // Genuine replicates: no warning.
        #expect(try !Self.analyse(noise: Cases.noiseCSV).get().warnings.contains { $0.kind == .noiseRunsInSweep })
    }
}
