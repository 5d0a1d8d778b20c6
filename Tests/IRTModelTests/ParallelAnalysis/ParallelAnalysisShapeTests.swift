import Foundation
@testable import IRTModel
import Linalg
import LinalgReference
import Testing

/// Horn's analysis with fewer runs than tasks goes through the n × n Gram
/// matrix `ZZᵀ/n`; these tests hold it to the p × p path it replaces
/// (`ZᵀZ/n`, unit diagonal, dsyevd), draw by draw with the same streams.
@Suite("Horn's parallel analysis through the Gram matrix (n < p)")
struct ParallelAnalysisShapeTests {
    /// The p × p path as it was: standardized columns, `correlationOfStandardizedColumns`, dsyevd, descending.
    static func squareEigenvalues(_ z: Matrix) throws -> [Double] {
        try SymmetricEigen.values(of: z.correlationOfStandardizedColumns()).reversed()
    }

    @Test("Real eigenvalues, p95, mean and k95 equal the p × p path's (1e-10)",
          arguments: [(3, 4), (3, 30), (10, 25), (19, 20), (30, 120)])
    func sameAsSquarePath(n: Int, p: Int) throws {
        #expect(NullDraw.decomposesRowGram(runs: n, tasks: p))
        let draws = 20
        let z = try ParallelAnalysisTests.randomMatrix(rows: n, columns: p, seed: UInt64(n + 100 * p), signal: 1.5,
                                                      loaded: p / 3)
            .standardized(ddof: 0).z
        let horn = try ParallelAnalysis(z: z, draws: draws, seed: 42, threads: 2)
        let real = try BLASThreading.withThreadCount(1) { try Self.squareEigenvalues(z) }
        #expect(horn.eigenvalues.count == p)
        for r in 0..<p { #expect(abs(horn.eigenvalues[r] - real[r]) <= 1e-10, "real rank \(r)") }

        // The null, recomputed through p × p correlation matrices from the same streams.
        let base = Xoshiro256StarStar(seed: 42)
        var perRank = [[Double]](repeating: [], count: p)
        for d in 0..<draws {
            var rng = base.stream(d)
            var normal = ZigguratNormal()
            var x = try Matrix(rows: n, columns: p, columnMajor: (0..<(n * p)).map { _ in normal.next(using: &rng) })
            x.standardizeColumnsInPlace()
            let values = try BLASThreading.withThreadCount(1) { try Self.squareEigenvalues(x) }
            for (r, v) in values.enumerated() { perRank[r].append(v) }
        }
        var p95 = [Double](), mean = [Double]()
        for r in 0..<p {
            p95.append(Reference.percentile(perRank[r], 95))
            mean.append(perRank[r].reduce(0, +) / Double(draws))
            #expect(abs(horn.p95[r] - p95[r]) <= 1e-10, "p95 rank \(r)")
            #expect(abs(horn.mean[r] - mean[r]) <= 1e-10, "mean rank \(r)")
        }
        let square = ParallelAnalysis(eigenvalues: real, p95: p95, mean: mean, draws: draws, seed: 42,
                                      countedRanks: min(n - 1, p))
        #expect(horn.k95 == square.k95 && horn.kMean == square.kMean)
        #expect(horn.countedRanks == n - 1)
        // Beyond rank n the Gram path's eigenvalues are exact zeros.
        #expect(horn.eigenvalues[n...].allSatisfy { $0 == 0 })
    }

    @Test("One null draw: the n × n path gives the p × p path's p eigenvalues", arguments: [(3, 5), (8, 9), (12, 60)])
    func oneDraw(n: Int, p: Int) throws {
        var gram = NullDraw(rows: n, columns: p)
        var values = [Double](repeating: .nan, count: p)
        var rng = Xoshiro256StarStar(seed: 5).stream(3)
        try BLASThreading.withThreadCount(1) { try gram.eigenvalues(using: &rng, into: &values) }
        var again = Xoshiro256StarStar(seed: 5).stream(3)
        var normal = ZigguratNormal()
        var x = try Matrix(rows: n, columns: p, columnMajor: (0..<(n * p)).map { _ in normal.next(using: &again) })
        x.standardizeColumnsInPlace()
        let square = try BLASThreading.withThreadCount(1) { try Self.squareEigenvalues(x) }
        for r in 0..<p { #expect(abs(values[r] - square[r]) <= 1e-10, "rank \(r)") }
        #expect(abs(values.reduce(0, +) - Double(p)) <= 1e-9)   // trace p
    }

    @Test("An explicit p × p draw with fewer runs than tasks takes the path it allocated for", arguments: [(3, 5), (12, 60)])
    func explicitColumnGramWithFewRuns(n: Int, p: Int) throws {
        var column = NullDraw(rows: n, columns: p, method: .columnGram)
        var row = NullDraw(rows: n, columns: p, method: .rowGram)
        var a = [Double](repeating: .nan, count: p), b = a
        var rngA = Xoshiro256StarStar(seed: 5).stream(3), rngB = Xoshiro256StarStar(seed: 5).stream(3)
        try BLASThreading.withThreadCount(1) {
            try column.eigenvalues(using: &rngA, into: &a)
            try row.eigenvalues(using: &rngB, into: &b)
        }
        for r in 0..<p { #expect(abs(a[r] - b[r]) <= 1e-10, "rank \(r)") }
    }

    @Test("The null draw method chosen by shape is recorded, said in words, and kept in JSON")
    func nullDrawsRecorded() throws {
        let wide = try ParallelAnalysisTests.randomMatrix(rows: 12, columns: 40, seed: 9, signal: 1, loaded: 10)
            .standardized(ddof: 0).z
        let tall = try ParallelAnalysisTests.randomMatrix(rows: 60, columns: 8, seed: 9, signal: 1, loaded: 4)
            .standardized(ddof: 0).z
        let gram = try ParallelAnalysis(z: wide, draws: 5, seed: 1)
        let data = try ParallelAnalysis(z: tall, draws: 5, seed: 1)
        #expect(gram.nullDraws == "row-gram")
        #expect(gram.nullDrawsNote?.contains("n × n Gram matrix") == true)   // words for people: the wording is the point
        #expect(data.nullDraws == "data" && data.nullDrawsNote == nil)
        let json = try JSONCoding.encode(gram)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["null_draws"] as? String == "row-gram")
        #expect(try JSONCoding.decoder().decode(ParallelAnalysis.self, from: json) == gram)
    }

    @Test("Gram-path draws are bit-identical for 1, 2 and 3 threads")
    func threadCountNeverChangesTheResult() throws {
        let z = try ParallelAnalysisTests.randomMatrix(rows: 12, columns: 40, seed: 9, signal: 1, loaded: 10)
            .standardized(ddof: 0).z
        let one = try ParallelAnalysis(z: z, draws: 15, seed: 42, threads: 1)
        for threads in [2, 3] {
            let other = try ParallelAnalysis(z: z, draws: 15, seed: 42, threads: threads)
            #expect(other.p95.map(\.bitPattern) == one.p95.map(\.bitPattern))
            #expect(other.mean.map(\.bitPattern) == one.mean.map(\.bitPattern))
            #expect(other == one)
        }
    }

    @Test("The shape switch: n × n exactly when n < p",
          arguments: [(3, 3, false), (3, 4, true), (242, 43, false), (30, 3000, true), (0, 1, true), (1, 0, false)])
    func shapeSwitch(n: Int, p: Int, gram: Bool) {
        #expect(NullDraw.decomposesRowGram(runs: n, tasks: p) == gram)
    }
}
