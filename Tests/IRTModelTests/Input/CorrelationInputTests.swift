import Foundation
@testable import IRTModel
import Linalg
import Testing

/// A correlation or covariance matrix as input: the same answers as the runs it came from.
@Suite("Correlation-matrix input")
struct CorrelationInputTests {
    static func csv(_ names: [String], _ m: Matrix, labelled: Bool = true) -> String {
        var text = (labelled ? "task," : "") + names.joined(separator: ",") + "\n"
        for i in 0..<m.rows {
            text += (labelled ? names[i] + "," : "") + (0..<m.columns).map { m[i, $0].description }.joined(separator: ",") + "\n"
        }
        return text
    }

    @Test("S built from the runs and fed as a matrix: the same Horn eigenvalues (1e-10), ψ, loadings and fit statistics (1e-6)")
    func sameAsRuns() throws {
        let sweep = try ModelFitTests.holzingerSwineford()
        var options = ModelFitTests.hsOptions(check: 0)
        options.fit.factors = 2
        let fromRuns = try Analysis(sweep: sweep, options: options).run()
        let names = (1...9).map { "x\($0)" }
        let prepared = try PreparedSweep(sweep: sweep, selection: .columns(names, direction: .higherIsBetter))
        let r = prepared.z.correlationOfStandardizedColumns()
        let input = try CorrelationInput(csv: Self.csv(names, r), source: "hs_cor.csv", observations: 301)
        #expect(!input.wasCovariance && input.tasks == names)
        let fromMatrix = try Analysis.run(correlation: input, options: options)
        #expect(fromMatrix.input == .correlation && fromMatrix.leaderboard.isEmpty && fromMatrix.model == nil)
        #expect(maxAbsDifference(fromMatrix.horn.eigenvalues, fromRuns.horn.eigenvalues) < 1e-10)
        #expect(maxAbsDifference(fromMatrix.horn.p95, fromRuns.horn.p95) < 1e-10)
        #expect(fromMatrix.horn.k95 == fromRuns.horn.k95)
        #expect(maxAbsDifference(fromMatrix.psi, fromRuns.psi) < 1e-6)
        #expect(maxAbsDifference(fromMatrix.loadings, fromRuns.loadings) < 1e-6)
        let a = try #require(fromMatrix.fit.statistics), b = try #require(fromRuns.fit.statistics)
        #expect(abs(a.chiSquareBartlett - b.chiSquareBartlett) < 1e-6 * b.chiSquareBartlett)
        #expect(a.degreesOfFreedom == b.degreesOfFreedom && abs(a.tli - b.tli) < 1e-6)
        #expect(fromMatrix.warnings.contains { $0.kind == .noRuns })
    }

    @Test("A covariance matrix is standardized and said; an unlabelled matrix reads too")
    func covariance() throws {
        let names = ["a", "b", "c"]
        let cov = try Matrix(rows: [[4, 1.2, 0.8], [1.2, 9, 1.5], [0.8, 1.5, 1]])
        let input = try CorrelationInput(csv: Self.csv(names, cov, labelled: false), source: "cov.csv", observations: 50)
        #expect(input.wasCovariance)
        #expect(abs(input.correlation[0, 1] - 1.2 / 6) < 1e-15 && input.correlation[2, 2] == 1)
        let result = try Analysis.run(correlation: input, options: AnalysisOptions(draws: 20, fit: FitOptions(factors: 1)).withoutFitChecks)
        #expect(result.warnings.contains { $0.kind == .covarianceStandardized })
    }

    @Test("Not square, not symmetric, not positive definite, n ≤ p, rows out of order, no variance: one clear error each", arguments: [
        ("task,a,b\na,1,0.5\n", 10, "1 rows but 3 header fields"),
        ("task,a,b\na,1,0.5\nb,0.4,1\n", 10, "not symmetric"),
        ("task,a,b,c\na,1,0.9,0.9\nb,0.9,1,-0.9\nc,0.9,-0.9,1\n", 10, "not positive definite"),
        ("task,a,b\na,1,0.5\nb,0.5,1\n", 2, "needs n > p"),
        ("task,a,b\nb,1,0.5\na,0.5,1\n", 10, "same task order"),
        ("task,a,b\na,0,0\nb,0,1\n", 10, "positive variance"),
    ])
    func errors(_ text: String, _ n: Int, _ expected: String) {
        do {
            _ = try CorrelationInput(csv: text, source: "m.csv", observations: n)
            Issue.record("accepted: \(text)")
        } catch {
            guard case let .invalidCorrelation(file, reason) = error else { Issue.record("\(error)"); return }
            #expect(file == "m.csv")
            // The case carries its reason only in words: they must say which rule is broken.
            #expect(reason.contains(expected), "\(reason)")
        }
    }

    @Test("A cell that is not a number is named by line and column")
    func textCell() {
        #expect(throws: AnalysisError.nonNumericCell(file: "m.csv", line: 2, column: "b", value: "x")) {
            try CorrelationInput(csv: "task,a,b\na,1,x\nb,0.5,1\n", source: "m.csv", observations: 10)
        }
    }
}
