import Foundation
import IRTModel
import Linalg
import LinalgReference
import Testing

@Suite("Horn's parallel analysis")
struct ParallelAnalysisTests {
    /// `rows × columns` independent standard normals from `seed`, plus `signal` times
    /// a common factor on the first `loaded` columns (so some eigenvalues stand out).
    static func randomMatrix(rows: Int, columns: Int, seed: UInt64, signal: Double = 0, loaded: Int = 0) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed)
        var normal = NormalSampler()
        let factor = (0..<rows).map { _ in normal.next(using: &rng) }
        return Matrix(rows: rows, columns: columns) { i, j in
            normal.next(using: &rng) + (j < loaded ? signal * factor[i] : 0)
        }
    }

    /// A 120 × 15 z-scored matrix with a 5-task factor.
    static let z120x15: Matrix = try! randomMatrix(rows: 120, columns: 15, seed: 11, signal: 1, loaded: 5)
        .standardized(ddof: 0).z

    @Test("Bit-identical for 1, 2 and 3 threads")
    func threadCountNeverChangesTheResult() throws {
        let one = try ParallelAnalysis(z: Self.z120x15, draws: 30, seed: 42, threads: 1)
        for threads in [2, 3] {
            let other = try ParallelAnalysis(z: Self.z120x15, draws: 30, seed: 42, threads: threads)
            #expect(other == one)
            #expect(other.p95.map(\.bitPattern) == one.p95.map(\.bitPattern))
            #expect(other.mean.map(\.bitPattern) == one.mean.map(\.bitPattern))
        }
        // More threads than draws still works and agrees.
        let few1 = try ParallelAnalysis(z: Self.z120x15, draws: 2, seed: 42, threads: 1)
        let few3 = try ParallelAnalysis(z: Self.z120x15, draws: 2, seed: 42, threads: 3)
        #expect(few1 == few3)
    }

    @Test("Null p95 and mean equal an independent recomputation of the seeded draws")
    func nullCurvesRecomputed() throws {
        let n = 120, p = 15, draws = 25
        let horn = try ParallelAnalysis(z: Self.z120x15, draws: draws, seed: 42, threads: 2)
        // Draw d: the seed's stream d, normals filling the n × p matrix in column-major
        // order, then the Pearson correlation's eigenvalues, descending.
        let base = Xoshiro256StarStar(seed: 42)
        var perRank = [[Double]](repeating: [], count: p)
        for d in 0..<draws {
            var rng = base.stream(d)
            var normal = ZigguratNormal()
            let x = try Matrix(rows: n, columns: p, columnMajor: (0..<(n * p)).map { _ in normal.next(using: &rng) })
            let values = Reference.jacobiEigenvalues(Reference.correlation(x)).reversed()
            for (r, v) in values.enumerated() { perRank[r].append(v) }
        }
        for r in 0..<p {
            let p95 = Reference.percentile(perRank[r], 95)
            let mean = perRank[r].reduce(0, +) / Double(draws)
            #expect(abs(horn.p95[r] - p95) <= 1e-10 * p95, "rank \(r)")
            #expect(abs(horn.mean[r] - mean) <= 1e-10 * mean, "rank \(r)")
        }
        #expect(horn.draws == draws && horn.seed == 42 && horn.rule == .sequential)
    }

    @Test("Different seeds give different null curves")
    func seedsMatter() throws {
        let a = try ParallelAnalysis(z: Self.z120x15, draws: 20, seed: 42, threads: 1)
        let b = try ParallelAnalysis(z: Self.z120x15, draws: 20, seed: 43, threads: 1)
        #expect(a.p95 != b.p95)
        #expect(a.mean != b.mean)
        #expect(a.eigenvalues == b.eigenvalues)
    }

    @Test("Real eigenvalues are the correlation matrix's, descending (Jacobi reference)")
    func realEigenvalues() throws {
        let horn = try ParallelAnalysis(z: Self.z120x15, draws: 1, threads: 1)
        let reference = Array(Reference.jacobiEigenvalues(Reference.correlation(Self.z120x15)).reversed())
        let lapack = try Array(SymmetricEigen.values(of: Self.z120x15.correlation()).reversed())
        #expect(horn.eigenvalues.count == 15)
        #expect(maxAbsDifference(horn.eigenvalues, reference) < 1e-12)
        #expect(maxAbsDifference(horn.eigenvalues, lapack) < 1e-12)
        #expect(zip(horn.eigenvalues, horn.eigenvalues.dropFirst()).allSatisfy { $0 >= $1 })
        // The trace of a p × p correlation matrix is p.
        #expect(abs(horn.eigenvalues.reduce(0, +) - 15) < 1e-12)
        // The 5-task factor stands out.
        #expect(horn.eigenvalues[0] > 3)
    }

    @Test("Fewer than 1 draw is an invalid option", arguments: [0, -3])
    func tooFewDraws(_ draws: Int) {
        #expect(throws: AnalysisError.invalidOption("draws must be at least \(1), got \(draws)")) {
            try ParallelAnalysis(z: Self.z120x15, draws: draws)
        }
    }

    @Test("Fewer than 3 rows are too few runs", arguments: [1, 2])
    func tooFewRows(_ n: Int) {
        let z = Matrix(rows: n, columns: 3) { i, j in Double(i + j) }
        do {
            _ = try ParallelAnalysis(z: z, draws: 5)
            Issue.record("no error for \(n) rows")
        } catch {
            guard case let .tooFewRuns(_, needed, actual) = error else {
                Issue.record("unexpected \(error)"); return
            }
            #expect(needed == 3 && actual == n)
        }
    }

    struct Curves: Sendable, CustomTestStringConvertible {
        let real: [Double], null: [Double], count: Int, sequential: Int
        var testDescription: String { "\(real) vs \(null)" }
    }

    static let curves = [
        // A rank after a miss counts for .count, not for .sequential.
        Curves(real: [3, 0.8, 1.5, 0.2], null: [1.2, 1.1, 1.0, 0.9], count: 2, sequential: 1),
        // First rank misses.
        Curves(real: [0.5, 2, 2], null: [1, 1, 1], count: 2, sequential: 0),
        // A tie is not above the null.
        Curves(real: [2, 1, 0.5], null: [1.5, 1, 0.4], count: 2, sequential: 1),
        // All above, none above.
        Curves(real: [3, 2, 1], null: [1, 1, 0.5], count: 3, sequential: 3),
        Curves(real: [1, 0.6, 0.4], null: [1.2, 1, 0.8], count: 0, sequential: 0),
    ]

    @Test("Count rule vs first-miss rule on hand-made curves", arguments: curves)
    func rules(_ c: Curves) {
        #expect(ParallelAnalysis.count(c.real, above: c.null, rule: .count) == c.count)
        #expect(ParallelAnalysis.count(c.real, above: c.null, rule: .sequential) == c.sequential)
        let counted = ParallelAnalysis(eigenvalues: c.real, p95: c.null, mean: c.null.map { $0 / 2 },
                                       draws: 10, seed: 1, rule: .count)
        #expect(counted.k95 == c.count)
        #expect(counted.kMean == ParallelAnalysis.count(c.real, above: c.null.map { $0 / 2 }, rule: .count))
        let first = ParallelAnalysis(eigenvalues: c.real, p95: c.null, mean: c.null, draws: 10, seed: 1,
                                     rule: .sequential)
        #expect(first.k95 == c.sequential)
        #expect(first.kMean == c.sequential)
    }

    @Test("Progress counts every draw once")
    func progress() throws {
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var values: [Int] = []
            func add(_ v: Int) { lock.lock(); values.append(v); lock.unlock() }
        }
        let seen = Seen()
        _ = try ParallelAnalysis(z: Self.z120x15, draws: 12, threads: 2) { seen.add($0) }
        #expect(seen.values.sorted() == Array(1...12))
    }

    // MARK: - A dataset with no factor above noise

    /// n = 100 runs of two tasks whose sample correlation is exactly 0.1:
    /// `x` standardized, `y = 0.1 x + √0.99 e`, `e` orthogonalized against `x` and standardized.
    static let weaklyCorrelated: (x: [Double], y: [Double]) = {
        let n = 100
        var rng = Xoshiro256StarStar(seed: 2024)
        var normal = NormalSampler()
        func standardize(_ v: [Double]) -> [Double] {
            let mean = v.reduce(0, +) / Double(v.count)
            let sd = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count)).squareRoot()
            return v.map { ($0 - mean) / sd }
        }
        let x = standardize((0..<n).map { _ in normal.next(using: &rng) })
        var e = standardize((0..<n).map { _ in normal.next(using: &rng) })
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        let projection: Double = dot(e, x) / dot(x, x)
        e = standardize(zip(e, x).map { (ei: Double, xi: Double) -> Double in ei - projection * xi })
        let weight: Double = 0.99.squareRoot()
        let y = zip(x, e).map { (xi: Double, ei: Double) -> Double in 0.1 * xi + weight * ei }
        return (x, y)
    }()

    @Test("Correlation 0.1 at n = 100, p = 2: k95 = 0")
    func noFactorAboveNoise() throws {
        let (x, y) = Self.weaklyCorrelated
        #expect(abs(try Statistics.pearson(x, y) - 0.1) < 1e-14)
        let z = try Matrix(columns: [x, y]).standardized(ddof: 0).z
        let horn = try ParallelAnalysis(z: z, draws: 50, seed: 42, threads: 1)
        // Eigenvalues of [[1, r], [r, 1]] are 1 ± r.
        #expect(maxAbsDifference(horn.eigenvalues, [1.1, 0.9]) < 1e-12)
        #expect(horn.k95 == 0)
        #expect(horn.p95[0] > 1.1 && horn.p95[1] > 0.9)
    }

    @Test("Analysis of a k95 = 0 sweep fits k = 1 and says why")
    func analysisWithNoFactorAboveNoise() throws {
        let (x, y) = Self.weaklyCorrelated
        // A third, independent task: a factor model needs at least 3.
        var rng = Xoshiro256StarStar(seed: 77)
        var normal = NormalSampler()
        var csv = "run_name,eval/paloma/a/bpb,eval/paloma/b/bpb,eval/paloma/c/bpb,status\n"
        for i in x.indices {
            csv += "run_\(i),\(1 + 0.05 * x[i]),\(2 + 0.1 * y[i]),\(3 + 0.1 * normal.next(using: &rng)),completed\n"
        }
        let sweep = try EvalMatrix(csv: csv, source: "weak.csv")
        let result = try Analysis(sweep: sweep, options: AnalysisOptions(draws: 50).withoutFitChecks).run()
        #expect(result.nRuns == 100 && result.nTasks == 3)
        #expect(result.horn.k95 == 0)
        #expect(result.k == 1)
        #expect(result.loadings.count == 3 && result.loadings.allSatisfy { $0.count == 1 })
        #expect(result.warnings.filter { $0.kind == .noFactorAboveNoise }.map(\.subjects) == [[]])
        #expect(result.kChoice.rule == .hornZeroFallback && result.k == 1)
        // A fixed k is taken as asked, without that warning.
        let fixed = try Analysis(sweep: sweep, options: AnalysisOptions(draws: 20, fit: FitOptions(factors: 1)).withoutFitChecks).run()
        #expect(fixed.k == 1)
        #expect(!fixed.warnings.contains { $0.kind == .noFactorAboveNoise })
        #expect(fixed.kChoice.rule == .fixed)
    }
}
