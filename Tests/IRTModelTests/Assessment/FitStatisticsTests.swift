import Foundation
@testable import IRTModel
import Linalg
import LinalgReference
import Testing

// MARK: - R fixtures (Fixtures/R, made by make_fixtures.R)

/// `Fixtures/R/r_reference.json`.
struct RReference: Decodable {
    struct Factanal: Decodable {
        let factors: Int
        let n_obs: Int
        let uniquenesses: [Double]
        let loadings: [[Double]]
        let objective: Double
        let statistic: Double
        let dof: Int
        let pval: Double
    }
    struct PsychFA: Decodable {
        struct RMSEA: Decodable { let estimate: Double; let lower: Double; let upper: Double; let confidence: Double }
        let factors: Int
        let n_obs: Int
        let rmsea: RMSEA
        let tli: Double
        let rms: Double
        let crms: Double
        let bic: Double
        let chi: Double
        let statistic: Double
        let dof: Int
        let pval: Double
        let null_chisq: Double
        let null_dof: Int
        let null_model: Double
        let objective: Double
        let uniquenesses: [Double]
        let loadings: [[Double]]
    }
    struct LavaanEFA: Decodable {
        let factors: Int
        let srmr: Double
        let loadings: [[Double]]
        let uniquenesses: [Double]
    }
    struct ChiSquareCheck: Decodable {
        let x: Double
        let df: Double
        let ncp: Double
        let cdf: Double
        let upper: Double
    }
    let harman74_n_obs: Int
    let holzinger_swineford_n_obs: Int
    let factanal: [String: [Factanal]]
    let psych_fa: [String: PsychFA]
    let lavaan_efa: [String: LavaanEFA]
    let pchisq: [ChiSquareCheck]

    static let shared: RReference = {
        let url = RFixtures.url("r_reference", "json")
        return try! JSONDecoder().decode(RReference.self, from: Data(contentsOf: url))
    }()
}

/// The R fixture files and the matrices built from them.
enum RFixtures {
    static func url(_ name: String, _ ext: String) -> URL {
        Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures/R")!
    }

    /// Rows of a plain numeric CSV (no quoting), header dropped, first column dropped.
    static func numericRows(_ name: String) throws -> [[Double]] {
        let text = try String(contentsOf: url(name, "csv"), encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
            line.split(separator: ",").dropFirst().map { Double($0)! }
        }
    }

    /// Harman's 24 tests: the 24 × 24 correlation matrix.
    static let harman74 = try! Matrix(rows: numericRows("harman74"))

    /// Holzinger–Swineford x1…x9: the 9 × 9 correlation matrix of the 301 rows, by Linalg.
    static let holzingerSwineford = try! Matrix(rows: numericRows("holzinger_swineford")).correlation()

    static func matrix(_ rows: [[Double]]) -> Matrix { try! Matrix(rows: rows) }
}

/// A factanal case: data set and k.
struct FactanalCase: CustomTestStringConvertible, Sendable {
    let dataSet: String
    let index: Int
    var testDescription: String { "\(dataSet) k=\(index + 1)" }

    static let all: [FactanalCase] =
        (0..<3).map { FactanalCase(dataSet: "holzinger_swineford", index: $0) }
        + (0..<5).map { FactanalCase(dataSet: "harman74", index: $0) }

    var reference: RReference.Factanal { RReference.shared.factanal[dataSet]![index] }
    var correlation: Matrix { dataSet == "harman74" ? RFixtures.harman74 : RFixtures.holzingerSwineford }
}

/// `|a − b| ≤ tol · max(|a|, |b|, floor)`.
func close(_ a: Double, _ b: Double, rel tol: Double, floor: Double = 1) -> Bool {
    abs(a - b) <= tol * max(abs(a), abs(b), floor)
}

// MARK: - Parity with R

@Suite struct FitStatisticsRParityTests {
    @Test("factanal: χ²_B, df, p-value, objective", arguments: FactanalCase.all)
    func factanalParity(_ c: FactanalCase) throws {
        let ref = c.reference
        let fit = try FitStatistics(
            sampleCovariance: c.correlation, observations: ref.n_obs,
            loadings: RFixtures.matrix(ref.loadings), uniquenesses: ref.uniquenesses)
        #expect(fit.factors == ref.factors)
        #expect(fit.degreesOfFreedom == ref.dof)
        #expect(close(fit.chiSquareBartlett, ref.statistic, rel: 1e-3))
        #expect(close(fit.objective, ref.objective, rel: 1e-3))
        let p = try #require(fit.pValue)
        // p-values span 1e-49…0.13: compare on a log scale.
        #expect(abs(log(p) - log(ref.pval)) < 1e-3 * max(1, abs(log(ref.pval))))
    }

    @Test("psych::fa Harman74 k = 4 and Holzinger–Swineford k = 3: RMSEA, TLI, RMSR, BIC",
          arguments: ["harman74_k4", "holzinger_swineford_k3"])
    func psychParity(_ name: String) throws {
        let ref = try #require(RReference.shared.psych_fa[name])
        let s = name == "harman74_k4" ? RFixtures.harman74 : RFixtures.holzingerSwineford
        let fit = try FitStatistics(
            sampleCovariance: s, observations: ref.n_obs,
            loadings: RFixtures.matrix(ref.loadings), uniquenesses: ref.uniquenesses)
        let rmsea = try #require(fit.rmsea)
        #expect(abs(rmsea.estimate - ref.rmsea.estimate) < 1e-3)
        #expect(abs(rmsea.lower - ref.rmsea.lower) < 1e-3)
        #expect(abs(rmsea.upper - ref.rmsea.upper) < 1e-3)
        #expect(abs(fit.tli - ref.tli) < 1e-3)
        #expect(abs(fit.rmsr - ref.rms) < 1e-3)
        #expect(abs(fit.bic - ref.bic) < 0.5)
        #expect(fit.degreesOfFreedom == ref.dof)
        #expect(fit.nullDegreesOfFreedom == ref.null_dof)
        #expect(close(fit.chiSquareBartlett, ref.statistic, rel: 1e-6))
        // psych's null.chisq has multiplier n − 1 − (2p + 5)/6; ours (and
        // psych's TLI) also subtract 2k/3.
        let p = Double(fit.tasks), n = Double(ref.n_obs), k = Double(fit.factors)
        #expect(close(fit.nullChiSquare, ref.null_model * (n - 1 - (2 * p + 5) / 6 - 2 * k / 3), rel: 1e-9))
        #expect(close(ref.null_chisq, ref.null_model * (n - 1 - (2 * p + 5) / 6), rel: 1e-12))
        // psych's empirical χ² and crms are sums of the same off-diagonal residuals.
        let offDiagonalSquares = fit.rmsr * fit.rmsr * p * (p - 1)
        #expect(close(ref.chi, offDiagonalSquares * n, rel: 1e-6))
        #expect(close(ref.crms, (offDiagonalSquares / (2 * Double(ref.dof))).squareRoot(), rel: 1e-6))
    }

    /// The exact agreement that R's rounding-free inputs allow, recorded for the report.
    @Test func psychHarmanTightAgreement() throws {
        let ref = try #require(RReference.shared.psych_fa["harman74_k4"])
        let fit = try FitStatistics(
            sampleCovariance: RFixtures.harman74, observations: ref.n_obs,
            loadings: RFixtures.matrix(ref.loadings), uniquenesses: ref.uniquenesses)
        let rmsea = try #require(fit.rmsea)
        #expect(abs(rmsea.estimate - ref.rmsea.estimate) < 1e-9)
        #expect(abs(rmsea.lower - ref.rmsea.lower) < 1e-5)   // psych's uniroot tolerance
        #expect(abs(rmsea.upper - ref.rmsea.upper) < 1e-5)
        #expect(abs(fit.tli - ref.tli) < 1e-9)
        #expect(abs(fit.rmsr - ref.rms) < 1e-12)
        #expect(abs(fit.bic - ref.bic) < 1e-6)
        #expect(close(fit.objective, ref.objective, rel: 1e-9))
        #expect(close(try #require(fit.pValue), ref.pval, rel: 1e-6))
    }

    @Test("lavaan SRMR of a free-loading EFA on Holzinger–Swineford k = 3")
    func lavaanSRMR() throws {
        let ref = try #require(RReference.shared.lavaan_efa["holzinger_swineford_k3"])
        let fit = try FitStatistics(
            sampleCovariance: RFixtures.holzingerSwineford, observations: RReference.shared.holzinger_swineford_n_obs,
            loadings: RFixtures.matrix(ref.loadings), uniquenesses: ref.uniquenesses)
        #expect(abs(fit.srmr - ref.srmr) < 1e-4)
    }

    @Test("χ² functions against R's pchisq")
    func chiSquareFunctions() {
        for c in RReference.shared.pchisq {
            let cdf = NonCentralChiSquare.cdf(c.x, degreesOfFreedom: c.df, noncentrality: c.ncp)
            #expect(abs(cdf - c.cdf) < 1e-13, "F(\(c.x); \(c.df), \(c.ncp)) = \(cdf), R \(c.cdf)")
            if c.ncp == 0 {
                let upper = ChiSquare.upperTail(c.x, degreesOfFreedom: c.df)
                #expect(close(upper, c.upper, rel: 1e-12, floor: 0), "Q(\(c.x); \(c.df)) = \(upper), R \(c.upper)")
            }
        }
    }
}

// MARK: - Against a direct computation

/// A reproducible "random" input: S from a sample of a factor model plus
/// noise, Λ ≥ 0 and ψ > 0 unrelated to S (so the fit is poor and nothing cancels).
struct RandomFitCase: CustomTestStringConvertible, Sendable {
    let p: Int
    let k: Int
    let anchored: Bool
    var testDescription: String { "p=\(p) k=\(k)\(anchored ? " anchored" : "")" }

    static let all: [RandomFitCase] = [1, 2, 7, 20].flatMap { p in
        (1...3).flatMap { k in [false, true].map { RandomFitCase(p: p, k: k, anchored: $0) } }
    }

    func inputs() -> (s: Matrix, n: Int, lambda: Matrix, psi: [Double], free: [Bool]) {
        var rng = Xoshiro256StarStar(seed: UInt64(1000 * p + 10 * k + (anchored ? 1 : 0)))
        var normal = NormalSampler()
        let n = 3 * p + 40
        // Data with 2 common factors; S is its covariance (population divisor), not scaled to 1.
        var data = Matrix(rows: n, columns: p)
        for r in 0..<n {
            let t = (normal.next(using: &rng), normal.next(using: &rng))
            for j in 0..<p {
                data[r, j] = (0.5 + 0.1 * Double(j % 3)) * t.0 + 0.3 * Double(j % 2) * t.1
                    + (0.5 + 0.05 * Double(j)) * normal.next(using: &rng)
            }
        }
        let s = data.gram(alpha: 1 / Double(n))
        let lambda = Matrix(rows: p, columns: k) { _, _ in abs(0.6 * normal.next(using: &rng)) }
        let psi = (0..<p).map { _ in 0.2 + abs(0.5 * normal.next(using: &rng)) }
        let free = (0..<p).map { anchored ? $0 % 3 != 0 : true }
        return (s, n, lambda, psi, free)
    }
}

@Suite struct FitStatisticsDirectTests {
    @Test("every statistic against an independent computation", arguments: RandomFitCase.all)
    func againstDirectComputation(_ c: RandomFitCase) throws {
        let (s, n, lambda, psi, free) = c.inputs()
        let p = c.p, k = c.k
        let fit = try FitStatistics(sampleCovariance: s, observations: n, loadings: lambda, uniquenesses: psi,
                                    freeUniquenesses: free)

        // Σ by loops; log-determinants and Σ⁻¹S by the pure-Swift reference Cholesky.
        let sigma = Matrix(rows: p, columns: p) { i, j in
            (0..<k).reduce(i == j ? psi[i] : 0) { $0 + lambda[i, $1] * lambda[j, $1] }
        }
        func logDet(_ a: Matrix) throws -> Double {
            let l = try Reference.cholesky(a)
            return (0..<a.rows).reduce(0.0) { $0 + 2 * log(l[$1, $1]) }
        }
        let logDetSigma = try logDet(sigma), logDetS = try logDet(s)
        let sigmaInvS = try Reference.choleskySolve(sigma, s)
        let trace = (0..<p).reduce(0.0) { $0 + sigmaInvS[$1, $1] }
        let pd = Double(p), nd = Double(n), kd = Double(k)
        let f = logDetSigma - logDetS + trace - pd
        let m = nd - 1 - (2 * pd + 5) / 6 - 2 * kd / 3
        let q = p * k - k * (k - 1) / 2 + free.filter { $0 }.count
        let df = p * (p + 1) / 2 - q
        let ll = -nd / 2 * (pd * log(2 * .pi) + logDetSigma + trace)

        let rel = 1e-10
        #expect(close(fit.objective, f, rel: rel))
        #expect(close(fit.logLikelihood, ll, rel: rel))
        #expect(close(fit.saturatedLogLikelihood, -nd / 2 * (pd * log(2 * .pi) + logDetS + pd), rel: rel))
        #expect(close(fit.chiSquare, nd * f, rel: rel))
        #expect(close(fit.chiSquareBartlett, max(m * f, 0), rel: rel))
        #expect(close(fit.chiSquare, 2 * (fit.saturatedLogLikelihood - fit.logLikelihood), rel: 1e-8))
        #expect(fit.degreesOfFreedom == df)
        #expect(fit.informationCriteria.q == q)
        #expect(close(fit.informationCriteria.aic, -2 * ll + 2 * Double(q), rel: rel))
        #expect(close(fit.informationCriteria.bic, -2 * ll + Double(q) * log(nd), rel: rel))
        #expect(close(fit.bic, fit.chiSquareBartlett - Double(df) * log(nd), rel: rel))
        if c.anchored { #expect(free.contains(false)) }

        // Null model: −log|R| with R the standardized S.
        let d = s.diagonalElements
        let r = Matrix(rows: p, columns: p) { i, j in s[i, j] / (d[i] * d[j]).squareRoot() }
        let f0 = -(try logDet(r))
        let df0 = p * (p - 1) / 2
        #expect(close(fit.nullChiSquare, f0 * m, rel: 1e-9))
        #expect(fit.nullDegreesOfFreedom == df0)
        if df > 0 && df0 > 0 {
            let chi0 = f0 * m, chiB = fit.chiSquareBartlett
            #expect(close(fit.tli, (chi0 / Double(df0) - chiB / Double(df)) / (chi0 / Double(df0) - 1), rel: 1e-9))
            let denominator = max(chi0 - Double(df0), chiB - Double(df), 0)
            let cfi = denominator > 0 ? 1 - max(chiB - Double(df), 0) / denominator : 1
            #expect(close(fit.cfi, cfi, rel: 1e-9))
        }

        // p-value and RMSEA.
        if df > 0 {
            let pValue = try #require(fit.pValue)
            #expect(close(pValue, ChiSquare.upperTail(fit.chiSquareBartlett, degreesOfFreedom: Double(df)),
                          rel: 1e-12, floor: 0))
            let rmsea = try #require(fit.rmsea)
            #expect(close(rmsea.estimate, max(fit.chiSquareBartlett / (nd * Double(df)) - 1 / (nd - 1), 0).squareRoot(),
                          rel: rel))
            #expect(rmsea.lower <= rmsea.upper)
            // The bounds' λ put χ²_B at the 95th and 5th percentiles.
            let scale = Double(df) * (nd - 1)
            for (bound, level) in [(rmsea.lower, 0.95), (rmsea.upper, 0.05)] where bound > 0 {
                let cdf = NonCentralChiSquare.cdf(fit.chiSquareBartlett, degreesOfFreedom: Double(df),
                                                           noncentrality: bound * bound * scale)
                #expect(abs(cdf - level) < 1e-9)
            }
        } else {
            #expect(fit.pValue == nil)
            #expect(fit.rmsea == nil)
        }

        // Residuals, RMSR (off-diagonal) and SRMR (with diagonal).
        var off = 0.0, all = 0.0
        for i in 0..<p {
            for j in 0...i {
                let e = (s[i, j] - sigma[i, j]) / (d[i] * d[j]).squareRoot()
                #expect(abs(fit.residuals[i, j] - e) < 1e-12)
                #expect(fit.residuals[j, i] == fit.residuals[i, j])
                all += e * e
                if i != j { off += e * e }
            }
        }
        #expect(close(fit.srmr, (all / Double(p * (p + 1) / 2)).squareRoot(), rel: rel))
        if p > 1 { #expect(close(fit.rmsr, (off / Double(df0)).squareRoot(), rel: rel)) } else { #expect(fit.rmsr.isNaN) }
    }

    @Test func anchoredUniquenessesAreNotParameters() throws {
        let (s, n, lambda, psi, _) = RandomFitCase(p: 7, k: 2, anchored: false).inputs()
        let allFree = try FitStatistics(sampleCovariance: s, observations: n, loadings: lambda, uniquenesses: psi)
        var free = [Bool](repeating: true, count: 7)
        free[1] = false; free[4] = false
        let anchored = try FitStatistics(sampleCovariance: s, observations: n, loadings: lambda, uniquenesses: psi,
                                         freeUniquenesses: free)
        #expect(anchored.degreesOfFreedom == allFree.degreesOfFreedom + 2)
        #expect(anchored.informationCriteria.q == allFree.informationCriteria.q - 2)
        #expect(anchored.chiSquareBartlett == allFree.chiSquareBartlett)
        #expect(anchored.residuals == allFree.residuals)
    }

    @Test func perfectFitIsZeroMisfit() throws {
        // S = ΛΛᵀ + Ψ exactly: F = 0, χ² = 0, p = 1, RMSEA = 0, CFI = 1, residuals 0.
        let lambda = try Matrix(rows: [[0.8], [0.7], [0.6], [0.5], [0.4]])
        let psi = (0..<5).map { 1 - lambda[$0, 0] * lambda[$0, 0] }
        let s = Matrix(rows: 5, columns: 5) { i, j in lambda[i, 0] * lambda[j, 0] + (i == j ? psi[i] : 0) }
        let fit = try FitStatistics(sampleCovariance: s, observations: 200, loadings: lambda, uniquenesses: psi)
        #expect(abs(fit.objective) < 1e-12)
        #expect(fit.chiSquareBartlett < 1e-9)
        #expect(try #require(fit.pValue) > 1 - 1e-9)
        let rmsea = try #require(fit.rmsea)
        #expect(rmsea.estimate == 0 && rmsea.lower == 0 && rmsea.upper == 0)
        #expect(fit.cfi == 1)
        #expect(fit.tli > 1)   // not clamped, as in psych
        #expect(fit.srmr < 1e-12 && fit.rmsr < 1e-12)
    }
}

// MARK: - Edge cases, errors, JSON

@Suite struct FitStatisticsEdgeTests {
    @Test("df ≤ 0: no p-value, no RMSEA", arguments: [(3, 1), (3, 2), (1, 1)])
    func nonPositiveDegreesOfFreedom(_ shape: (Int, Int)) throws {
        let (p, k) = shape
        let s = Matrix(rows: p, columns: p) { i, j in i == j ? 1 : 0.3 }
        let lambda = Matrix(rows: p, columns: k) { _, j in 0.5 / Double(j + 1) }
        let fit = try FitStatistics(sampleCovariance: s, observations: 50, loadings: lambda,
                                    uniquenesses: Array(repeating: 0.7, count: p))
        #expect(fit.degreesOfFreedom <= 0)
        #expect(fit.pValue == nil)
        #expect(fit.rmsea == nil)
        #expect(fit.chiSquareBartlett.isFinite)
        // Encodes with the project's non-finite strategy.
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity",
                                                                     negativeInfinity: "-Infinity", nan: "NaN")
        let json = try #require(String(data: try encoder.encode(fit), encoding: .utf8))
        #expect(json.contains("\"p_value\":null"))
        #expect(json.contains("\"rmsea\":null"))
    }

    @Test func badShapesThrowInvalidOption() {
        let s = Matrix.identity(3)
        let lambda = Matrix(rows: 3, columns: 1, repeating: 0.5)
        let psi = [0.75, 0.75, 0.75]
        let cases: [(String, () throws(AnalysisError) -> FitStatistics)] = [
            ("non-square S", { () throws(AnalysisError) in
                try FitStatistics(sampleCovariance: Matrix(rows: 3, columns: 2), observations: 10, loadings: lambda, uniquenesses: psi) }),
            ("loadings rows", { () throws(AnalysisError) in
                try FitStatistics(sampleCovariance: s, observations: 10, loadings: Matrix(rows: 2, columns: 1), uniquenesses: psi) }),
            ("ψ count", { () throws(AnalysisError) in
                try FitStatistics(sampleCovariance: s, observations: 10, loadings: lambda, uniquenesses: [1, 1]) }),
            ("free count", { () throws(AnalysisError) in
                try FitStatistics(sampleCovariance: s, observations: 10, loadings: lambda, uniquenesses: psi, freeUniquenesses: [true]) }),
            ("n < 2", { () throws(AnalysisError) in
                try FitStatistics(sampleCovariance: s, observations: 1, loadings: lambda, uniquenesses: psi) }),
            ("ψ ≤ 0", { () throws(AnalysisError) in
                try FitStatistics(sampleCovariance: s, observations: 10, loadings: lambda, uniquenesses: [0.75, 0, 0.75]) }),
            ("NaN loading", { () throws(AnalysisError) in
                try FitStatistics(sampleCovariance: s, observations: 10, loadings: lambda.map { _ in .nan }, uniquenesses: psi) }),
            ("asymmetric S", { () throws(AnalysisError) in
                var a = s; a[0, 1] = 0.2
                return try FitStatistics(sampleCovariance: a, observations: 10, loadings: lambda, uniquenesses: psi) }),
            ("empty S", { () throws(AnalysisError) in
                try FitStatistics(sampleCovariance: Matrix(rows: 0, columns: 0), observations: 10,
                                  loadings: Matrix(rows: 0, columns: 1), uniquenesses: []) }),
        ]
        for (name, body) in cases {
            do throws(AnalysisError) {
                _ = try body()
                Issue.record("\(name): expected a throw")
            } catch {
                guard case let .invalidOption(message) = error else {
                    Issue.record("\(name): expected invalidOption, got \(error)"); continue
                }
                #expect(message.hasPrefix("fit statistics:"), "\(name): \(message)")   // words only: which check refused
            }
        }
    }

    @Test func singularSampleCovarianceIsNumerical() {
        // Rank 1: not positive definite, log|S| = −∞.
        let s = Matrix(rows: 3, columns: 3) { _, _ in 1 }
        #expect(throws: AnalysisError.numerical(.notPositiveDefinite(minor: 2))) {
            try FitStatistics(sampleCovariance: s, observations: 10,
                              loadings: Matrix(rows: 3, columns: 1, repeating: 0.5), uniquenesses: [0.75, 0.75, 0.75])
        }
    }

    @Test func jsonKeysAndRoundTrip() throws {
        let (s, n, lambda, psi, free) = RandomFitCase(p: 7, k: 2, anchored: true).inputs()
        let fit = try FitStatistics(sampleCovariance: s, observations: n, loadings: lambda, uniquenesses: psi,
                                    freeUniquenesses: free)
        let data = try JSONEncoder().encode(fit)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["log_likelihood", "saturated_log_likelihood", "chi_square", "chi_square_bartlett", "df", "p_value",
                    "null_chi_square", "null_df", "tli", "cfi", "rmsea", "bic", "information_criteria", "rmsr", "srmr",
                    "residuals", "objective", "observations", "tasks", "factors"] {
            #expect(object[key] != nil, "missing key \(key)")
        }
        let rmsea = try #require(object["rmsea"] as? [String: Any])
        #expect(Set(rmsea.keys) == ["estimate", "lower", "upper"])
        let ic = try #require(object["information_criteria"] as? [String: Any])
        #expect(Set(ic.keys) == ["aic", "bic", "q"])
        #expect(try JSONDecoder().decode(FitStatistics.self, from: data) == fit)
    }

    @Test func largestResidualsAreSortedByMagnitude() throws {
        let (s, n, lambda, psi, _) = RandomFitCase(p: 7, k: 1, anchored: false).inputs()
        let fit = try FitStatistics(sampleCovariance: s, observations: n, loadings: lambda, uniquenesses: psi)
        let top = fit.largestResiduals(5)
        #expect(top.count == 5)
        #expect(zip(top, top.dropFirst()).allSatisfy { abs($0.value) >= abs($1.value) })
        #expect(top.allSatisfy { $0.i > $0.j && fit.residuals[$0.i, $0.j] == $0.value })
        var all = [Double]()
        for i in 0..<7 { for j in 0..<i { all.append(abs(fit.residuals[i, j])) } }
        #expect(abs(top[0].value) == all.max())
        #expect(fit.largestResiduals(100).count == 21)
        #expect(fit.largestResiduals(0).isEmpty)
    }

    @Test func chiSquareClosedForms() {
        // df = 2: Q = e^{−x/2}; df = 1: Q = erfc(√(x/2)).
        for x in [0.01, 1, 7.5, 60, 700] {
            #expect(close(ChiSquare.upperTail(x, degreesOfFreedom: 2), exp(-x / 2), rel: 1e-13, floor: 0))
            #expect(close(ChiSquare.upperTail(x, degreesOfFreedom: 1), erfc((x / 2).squareRoot()), rel: 1e-12, floor: 0))
        }
        #expect(ChiSquare.upperTail(0, degreesOfFreedom: 3) == 1)
        #expect(NonCentralChiSquare.noncentrality(cdf: 0.95, at: 1, degreesOfFreedom: 10) == 0)
        let lambda = NonCentralChiSquare.noncentrality(cdf: 0.05, at: 40, degreesOfFreedom: 10)
        #expect(abs(NonCentralChiSquare.cdf(40, degreesOfFreedom: 10, noncentrality: lambda) - 0.05) < 1e-12)
    }
}
