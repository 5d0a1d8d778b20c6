import Foundation
import Linalg

/// Goodness of fit of a k-factor model `Σ = ΛΛᵀ + Ψ` to a sample covariance
/// (or correlation) matrix S, with the conventions of psych's `fa` (`fm = "ml"`).
///
/// ```
/// F     = log|Σ| − log|S| + tr(Σ⁻¹S) − p                    (ML discrepancy, "objective")
/// ℓ     = −n/2 [p log 2π + log|Σ| + tr(Σ⁻¹S)]               ℓ_sat = −n/2 [p log 2π + log|S| + p]
/// χ²    = n F                                               χ²_B = (n − 1 − (2p + 5)/6 − 2k/3) F
/// q     = p k − k(k − 1)/2 + #free ψ                        df = p(p + 1)/2 − q
/// p     = P(χ²_df > χ²_B)                                   (nil when df ≤ 0)
/// F₀    = −log|R|,  R = S standardised                      χ²₀ = F₀ (n − 1 − (2p + 5)/6 − 2k/3),  df₀ = p(p − 1)/2
/// TLI   = (χ²₀/df₀ − χ²_B/df) / (χ²₀/df₀ − 1)
/// CFI   = 1 − max(χ²_B − df, 0) / max(χ²₀ − df₀, χ²_B − df, 0)
/// BIC   = χ²_B − df ln n                                    AIC/BIC = −2ℓ + 2q / −2ℓ + q ln n
/// e_ij  = (S_ij − Σ_ij) / √(S_ii S_jj)                      (= R − Σ̂ for a correlation S)
/// RMSR  = √(mean_{i>j} e_ij²)                               SRMR = √(mean_{i≥j} e_ij²)
/// ```
///
/// and the RMSEA with its 90% interval (``RMSEA``).
///
/// Mathematical properties: `F ≥ 0`, zero iff `Σ = S`; `χ²_B` is
/// Bartlett's corrected likelihood-ratio statistic, what R's `factanal` and
/// psych report as `STATISTIC`. Loadings at a bound (e.g. `Λ ≥ 0` active)
/// still count as free parameters; anchored ψ do not.
///
/// psych conventions worth knowing: psych's `TLI` uses the null χ² with the
/// *model's* Bartlett multiplier (as ``nullChiSquare`` here), while psych's
/// printed `null.chisq` uses `n − 1 − (2p + 5)/6` (no `−2k/3`); psych clamps a
/// negative `STATISTIC` to 0, and so does ``chiSquareBartlett``.
public struct FitStatistics: Sendable, Codable, Equatable {
    /// The number of observations n.
    public let observations: Int
    /// The number of variables (tasks) p.
    public let tasks: Int
    /// The number of factors k.
    public let factors: Int
    /// The ML discrepancy `F = log|Σ| − log|S| + tr(Σ⁻¹S) − p` (psych's `objective`).
    public let objective: Double
    /// `ℓ = −n/2 [p log 2π + log|Σ| + tr(Σ⁻¹S)]`.
    public let logLikelihood: Double
    /// The saturated model's `ℓ_sat = −n/2 [p log 2π + log|S| + p]`.
    public let saturatedLogLikelihood: Double
    /// The likelihood-ratio statistic `n F = 2 (ℓ_sat − ℓ)`.
    public let chiSquare: Double
    /// Bartlett's corrected statistic `max(0, (n − 1 − (2p + 5)/6 − 2k/3) F)`.
    public let chiSquareBartlett: Double
    /// `df = p(p + 1)/2 − q`; may be zero or negative (an unidentified model).
    public let degreesOfFreedom: Int
    /// `P(χ²_df > χ²_B)`; nil when `df ≤ 0`.
    public let pValue: Double?
    /// The independence model's statistic `−log|R| · (n − 1 − (2p + 5)/6 − 2k/3)`.
    public let nullChiSquare: Double
    /// `df₀ = p(p − 1)/2`.
    public let nullDegreesOfFreedom: Int
    /// Tucker–Lewis index (not clamped to [0, 1]; non-finite when df or df₀ is 0).
    public let tli: Double
    /// Comparative fit index in [0, 1] (1 when neither model misfits).
    public let cfi: Double
    /// RMSEA with its 90% interval; nil when `df ≤ 0`.
    public let rmsea: RMSEA?
    /// psych's BIC `χ²_B − df ln n`.
    public let bic: Double
    /// Likelihood-based AIC and BIC with the number of free parameters q.
    public let informationCriteria: InformationCriteria
    /// Root mean square of the off-diagonal residuals (psych's `rms`); NaN for p = 1.
    public let rmsr: Double
    /// Standardized root mean square residual, diagonal included (lavaan's `srmr`).
    public let srmr: Double
    /// The standardized residuals `e_ij = (S_ij − Σ_ij) / √(S_ii S_jj)`, p × p
    /// (`R − Σ̂` when S is a correlation matrix).
    public let residuals: Matrix

    enum CodingKeys: String, CodingKey {
        case observations, tasks, factors, objective
        case logLikelihood = "log_likelihood", saturatedLogLikelihood = "saturated_log_likelihood"
        case chiSquare = "chi_square", chiSquareBartlett = "chi_square_bartlett"
        case degreesOfFreedom = "df", pValue = "p_value"
        case nullChiSquare = "null_chi_square", nullDegreesOfFreedom = "null_df"
        case tli, cfi, rmsea, bic
        case informationCriteria = "information_criteria"
        case rmsr, srmr, residuals
    }

    /// Computes every statistic for a fitted (or any) loading matrix and uniquenesses.
    ///
    /// - Parameters:
    ///   - s: p × p sample covariance or correlation matrix (of z-scored data),
    ///     symmetric positive definite.
    ///   - n: the number of observations behind `s`, ≥ 2.
    ///   - loadings: Λ, p × k (k ≥ 0).
    ///   - psi: ψ (p), all positive.
    ///   - freeUniquenesses: per task, whether its ψ was estimated (true) or
    ///     anchored (false); `nil` means all free.
    /// - Throws: ``AnalysisError/invalidOption(_:)`` for shapes that do not fit
    ///   together, n < 2, a non-finite entry, a non-positive ψ or diagonal of S,
    ///   or an asymmetric S; ``AnalysisError/numerical(_:)`` when S is not
    ///   positive definite (e.g. fewer observations than tasks).
    /// - Complexity: O(p³) — two Cholesky factorizations of p × p matrices and
    ///   one solve with p right-hand sides — plus O(√λ) χ² evaluations for the
    ///   RMSEA interval.
    public init(
        sampleCovariance s: Matrix, observations n: Int, loadings: Matrix, uniquenesses psi: [Double],
        freeUniquenesses: [Bool]? = nil
    ) throws(AnalysisError) {
        let p = s.rows, k = loadings.columns
        let free = freeUniquenesses ?? Array(repeating: true, count: p)
        try Self.validate(s: s, n: n, loadings: loadings, psi: psi, free: free)

        // Σ = ΛΛᵀ + Ψ.
        var sigma = Matrix.zeros(p, p)
        try numerical { () throws(LinalgError) in
            try Matrix.multiply(loadings, .none, loadings, .transpose, into: &sigma)
        }
        for i in 0..<p { sigma[i, i] += psi[i] }

        let (logDetSigma, logDetS, trace) = try numerical { () throws(LinalgError) in
            let cholSigma = try Cholesky(sigma)
            let cholS = try Cholesky(s)
            let sigmaInvS = try cholSigma.solve(s)
            var trace = 0.0
            for i in 0..<p { trace += sigmaInvS[i, i] }
            return (cholSigma.logDeterminant, cholS.logDeterminant, trace)
        }

        let pd = Double(p), nd = Double(n), kd = Double(k)
        let log2pi = log(2 * Double.pi)
        let f = logDetSigma - logDetS + trace - pd
        let multiplier = nd - 1 - (2 * pd + 5) / 6 - 2 * kd / 3
        let q = p * k - k * (k - 1) / 2 + free.count(where: { $0 })
        let df = p * (p + 1) / 2 - q
        let chiB = Swift.max(multiplier * f, 0)

        observations = n
        tasks = p
        factors = k
        objective = f
        logLikelihood = -nd / 2 * (pd * log2pi + logDetSigma + trace)
        saturatedLogLikelihood = -nd / 2 * (pd * log2pi + logDetS + pd)
        chiSquare = nd * f
        chiSquareBartlett = chiB
        degreesOfFreedom = df
        pValue = df > 0 ? ChiSquare.upperTail(chiB, degreesOfFreedom: Double(df)) : nil

        // Null (independence) model: F₀ = −log|R| = Σ log S_ii − log|S|.
        let diagonal = s.diagonalElements
        let f0 = diagonal.reduce(0.0) { $0 + log($1) } - logDetS
        let df0 = p * (p - 1) / 2
        let chi0 = f0 * multiplier
        nullChiSquare = chi0
        nullDegreesOfFreedom = df0
        let nullRatio = chi0 / Double(df0)
        // A just-identified model (df = 0, e.g. one factor of 3 tasks) reproduces S: TLI is 1 by
        // convention (lavaan's), not χ²/0.
        tli = df > 0 ? (nullRatio - chiB / Double(df)) / (nullRatio - 1) : 1
        let modelMisfit = Swift.max(chiB - Double(df), 0)
        let baseMisfit = Swift.max(chi0 - Double(df0), chiB - Double(df), 0)
        cfi = baseMisfit > 0 ? 1 - modelMisfit / baseMisfit : 1
        rmsea = df > 0 ? RMSEA(chiSquareBartlett: chiB, degreesOfFreedom: df, observations: n) : nil
        bic = chiB - Double(df) * log(nd)
        informationCriteria = InformationCriteria(logLikelihood: logLikelihood, freeParameters: q, observations: n)

        // Standardized residuals and their root mean squares.
        var e = Matrix.zeros(p, p)
        var offDiagonal = 0.0, lowerWithDiagonal = 0.0
        for j in 0..<p {
            for i in j..<p {
                let v = (s[i, j] - sigma[i, j]) / (diagonal[i] * diagonal[j]).squareRoot()
                e[i, j] = v
                e[j, i] = v
                lowerWithDiagonal += v * v
                if i != j { offDiagonal += v * v }
            }
        }
        residuals = e
        rmsr = (offDiagonal / Double(df0)).squareRoot()
        srmr = (lowerWithDiagonal / Double(p * (p + 1) / 2)).squareRoot()
    }

    /// Checks shapes and domains; every failure names what was expected.
    private static func validate(s: Matrix, n: Int, loadings: Matrix, psi: [Double], free: [Bool]) throws(AnalysisError) {
        let p = s.rows
        guard s.isSquare, p >= 1 else {
            throw .invalidOption("fit statistics: the sample covariance must be a non-empty square matrix, got \(s.shape)")
        }
        guard loadings.rows == p else {
            throw .invalidOption("fit statistics: the loadings have \(loadings.rows) rows, expected one per task (\(p))")
        }
        guard psi.count == p else {
            throw .invalidOption("fit statistics: \(psi.count) uniquenesses, expected one per task (\(p))")
        }
        guard free.count == p else {
            throw .invalidOption("fit statistics: \(free.count) free/anchored flags, expected one per task (\(p))")
        }
        guard n >= 2 else {
            throw .invalidOption("fit statistics: \(n) observation(s), expected at least 2")
        }
        guard s.elements.allSatisfy(\.isFinite), loadings.elements.allSatisfy(\.isFinite) else {
            throw .invalidOption("fit statistics: the sample covariance and the loadings must be finite")
        }
        guard psi.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw .invalidOption("fit statistics: every uniqueness must be positive and finite")
        }
        guard s.diagonalElements.allSatisfy({ $0 > 0 }) else {
            throw .invalidOption("fit statistics: the sample covariance has a non-positive variance on its diagonal")
        }
        let scale = s.elements.reduce(0.0) { Swift.max($0, abs($1)) }
        for j in 0..<p {
            for i in (j + 1)..<Swift.max(p, j + 1) where abs(s[i, j] - s[j, i]) > 1e-12 * scale {
                throw .invalidOption("fit statistics: the sample covariance is not symmetric (entries (\(i), \(j)) and (\(j), \(i)) differ)")
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(observations, forKey: .observations)
        try c.encode(tasks, forKey: .tasks)
        try c.encode(factors, forKey: .factors)
        try c.encode(objective, forKey: .objective)
        try c.encode(logLikelihood, forKey: .logLikelihood)
        try c.encode(saturatedLogLikelihood, forKey: .saturatedLogLikelihood)
        try c.encode(chiSquare, forKey: .chiSquare)
        try c.encode(chiSquareBartlett, forKey: .chiSquareBartlett)
        try c.encode(degreesOfFreedom, forKey: .degreesOfFreedom)
        try c.encode(pValue, forKey: .pValue)
        try c.encode(nullChiSquare, forKey: .nullChiSquare)
        try c.encode(nullDegreesOfFreedom, forKey: .nullDegreesOfFreedom)
        try c.encode(tli, forKey: .tli)
        try c.encode(cfi, forKey: .cfi)
        try c.encode(rmsea, forKey: .rmsea)
        try c.encode(bic, forKey: .bic)
        try c.encode(informationCriteria, forKey: .informationCriteria)
        try c.encode(rmsr, forKey: .rmsr)
        try c.encode(srmr, forKey: .srmr)
        try c.encode(residuals.rowArrays, forKey: .residuals)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        observations = try c.decode(Int.self, forKey: .observations)
        tasks = try c.decode(Int.self, forKey: .tasks)
        factors = try c.decode(Int.self, forKey: .factors)
        objective = try c.decode(Double.self, forKey: .objective)
        logLikelihood = try c.decode(Double.self, forKey: .logLikelihood)
        saturatedLogLikelihood = try c.decode(Double.self, forKey: .saturatedLogLikelihood)
        chiSquare = try c.decode(Double.self, forKey: .chiSquare)
        chiSquareBartlett = try c.decode(Double.self, forKey: .chiSquareBartlett)
        degreesOfFreedom = try c.decode(Int.self, forKey: .degreesOfFreedom)
        pValue = try c.decodeIfPresent(Double.self, forKey: .pValue)
        nullChiSquare = try c.decode(Double.self, forKey: .nullChiSquare)
        nullDegreesOfFreedom = try c.decode(Int.self, forKey: .nullDegreesOfFreedom)
        tli = try c.decode(Double.self, forKey: .tli)
        cfi = try c.decode(Double.self, forKey: .cfi)
        rmsea = try c.decodeIfPresent(RMSEA.self, forKey: .rmsea)
        bic = try c.decode(Double.self, forKey: .bic)
        informationCriteria = try c.decode(InformationCriteria.self, forKey: .informationCriteria)
        rmsr = try c.decode(Double.self, forKey: .rmsr)
        srmr = try c.decode(Double.self, forKey: .srmr)
        let rows = try c.decode([[Double]].self, forKey: .residuals)
        do throws(LinalgError) {
            residuals = try Matrix(rows: rows)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .residuals, in: c, debugDescription: "\(error)")
        }
        guard residuals.rows == tasks, residuals.columns == tasks else {
            throw DecodingError.dataCorruptedError(
                forKey: .residuals, in: c, debugDescription: "residuals must be \(tasks) × \(tasks), got \(residuals.shape)")
        }
    }
}
