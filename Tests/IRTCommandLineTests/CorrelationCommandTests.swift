import Foundation
import IRTModel
import Testing
@testable import IRTCommandLine
@testable import IRTReport

/// `irt-report --correlation FILE --n-obs N`, in-process, on Harman's 24 tests (n = 145).
@Suite("irt-report --correlation")
struct CorrelationCommandTests {
    static let harman = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("IRTModelTests/Fixtures/R/harman74.csv").path

    static func scratch(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("irt-corr-\(UUID().uuidString)-\(name)").path
    }

    @Test("Free loadings at k = 4 reproduce psych's fit card; the views that need runs are left out with a sentence")
    func harman74() throws {
        let out = Self.scratch("out"), json = Self.scratch("r.json")
        defer { try? FileManager.default.removeItem(atPath: out); try? FileManager.default.removeItem(atPath: json) }
        #expect(IRTReportTool.exitCode(running: ["--correlation", Self.harman, "--n-obs", "145", "--factors", "4",
                                                 "--loadings", "free", "--draws", "20", "--out", out, "--json", json, "-q"]) == 0)
        let r = try JSONCoding.decoder().decode(AnalysisResult.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        #expect(r.input == .correlation && r.nRuns == 145 && r.nTasks == 24 && r.leaderboard.isEmpty)
        let s = try #require(r.fit.statistics)
        #expect(abs(s.tli - 0.95129) < 1e-3 && abs((s.rmsea?.estimate ?? 0) - 0.0382) < 1e-3)
        #expect(!FileManager.default.fileExists(atPath: out + "/model.json"))
        let html = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(html.contains("id=\"fit\"") && html.contains("id=\"runs\"") && !html.contains("id=\"leaderboard\""))
    }

    @Test("--correlation without --n-obs, or with SWEEP, is a usage error (exit 2); a broken matrix exits 1")
    func usage() throws {
        #expect(IRTReportTool.exitCode(running: ["--correlation", Self.harman, "--out", Self.scratch("a")]) == 2)
        #expect(IRTReportTool.exitCode(running: ["x.csv", "--correlation", Self.harman, "--n-obs", "145"]) == 2)
        let broken = Self.scratch("broken.csv")
        try Data("task,a,b\na,1,0.5\nb,0.4,1\n".utf8).write(to: URL(fileURLWithPath: broken))
        defer { try? FileManager.default.removeItem(atPath: broken) }
        #expect(IRTReportTool.exitCode(running: ["--correlation", broken, "--n-obs", "50", "--out", Self.scratch("b")]) == 1)
    }
}
