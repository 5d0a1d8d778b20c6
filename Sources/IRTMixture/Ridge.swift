import Foundation
import IRTModel
import Linalg

/// A ridge regression of a score on mixture weights, on centered data:
///
/// ```
/// β = argmin Σᵢ (yᵢ − ȳ − (xᵢ − x̄)ᵀβ)² + λ‖β‖²  =  (XcᵀXc + λI)⁻¹ Xcᵀ yc
/// ŷ(x) = ȳ + (x − x̄)ᵀβ,    df(λ) = tr(Xc(XcᵀXc + λI)⁻¹Xcᵀ) = Σₖ dₖ/(dₖ + λ)
/// ```
///
/// The intercept is not penalized. Within a phase the weights sum to a constant, so
/// Xc·1_phase = 0 and β's component along 1_phase is 0: the coefficients of a phase
/// sum to 0, each read as the effect of that domain relative to the phase's average domain.
struct RidgeFit: Sendable, Equatable {
    var xMean: [Double]
    var yMean: Double
    var beta: [Double]
    var lambda: Double
    var effectiveDF: Double

    /// ŷ(x) = ȳ + (x − x̄)ᵀβ.
    func predict(_ x: [Double]) -> Double {
        var s = yMean
        for j in beta.indices { s += (x[j] - xMean[j]) * beta[j] }
        return s
    }
}

/// The ridge fits of one weight matrix, for any score and any λ, at the price of one
/// eigendecomposition of the smaller Gram matrix:
///
/// ```
/// p ≤ n:  XcᵀXc = V diag(d) Vᵀ,   β(λ) = V diag(1/(d + λ)) (XcV)ᵀ yc
/// p > n:  XcXcᵀ = U diag(d) Uᵀ,   β(λ) = XcᵀU diag(1/(d + λ)) Uᵀ yc
/// ```
///
/// so β(λ) = B · (c / (d + λ)) with the basis B (p × m, V or XcᵀU) and c = Pᵀ yc
/// (P = XcV or U, n × m), m = min(n, p).
struct RidgeDecomposition {
    let xMean: [Double]
    let basis: Matrix
    let projector: Matrix
    let d: [Double]

    /// - Parameter x: n × p weights (rows are runs).
    /// - Complexity: O(n p m + m³).
    init(x: Matrix) throws(LinalgError) {
        let n = x.rows, p = x.columns
        var means = [Double](repeating: 0, count: p)
        for j in 0..<p {
            var s = 0.0
            for i in 0..<n { s += x[i, j] }
            means[j] = s / Double(max(n, 1))
        }
        let xc = Matrix(rows: n, columns: p) { i, j in x[i, j] - means[j] }
        xMean = means
        if p <= n {
            let eigen = try SymmetricEigen(xc.gram())
            d = eigen.values.map { max($0, 0) }
            basis = eigen.vectors
            projector = try xc.multiplied(by: eigen.vectors)
        } else {
            let eigen = try SymmetricEigen(xc.multiplied(by: xc, transposingOther: .transpose))
            d = eigen.values.map { max($0, 0) }
            projector = eigen.vectors
            basis = try xc.multiplied(by: eigen.vectors, transposingSelf: .transpose)
        }
    }

    /// The mean eigenvalue tr(XcᵀXc)/p, the scale of the λ grid.
    var scale: Double { d.reduce(0, +) / Double(max(xMean.count, 1)) }

    /// The score's side: ȳ and c = Pᵀ(y − ȳ).
    func coordinates(_ y: [Double]) -> (mean: Double, c: [Double]) {
        let n = projector.rows, m = projector.columns
        let mean = y.reduce(0, +) / Double(max(n, 1))
        var c = [Double](repeating: 0, count: m)
        projector.elements.withUnsafeBufferPointer { pr in
            for k in 0..<m {
                var s = 0.0
                for i in 0..<n { s += pr[i + k * n] * (y[i] - mean) }
                c[k] = s
            }
        }
        return (mean, c)
    }

    /// The fit of `y` with penalty λ.
    func fit(_ y: [Double], lambda: Double) -> RidgeFit {
        let (mean, c) = coordinates(y)
        let p = basis.rows, m = basis.columns
        var beta = [Double](repeating: 0, count: p)
        basis.elements.withUnsafeBufferPointer { b in
            for k in 0..<m {
                let w = c[k] / (d[k] + lambda)
                if w == 0 { continue }
                for j in 0..<p { beta[j] += b[j + k * p] * w }
            }
        }
        return RidgeFit(xMean: xMean, yMean: mean, beta: beta, lambda: lambda, effectiveDF: effectiveDF(lambda))
    }

    /// df(λ) = Σₖ dₖ/(dₖ + λ).
    func effectiveDF(_ lambda: Double) -> Double { d.reduce(0) { $0 + $1 / ($1 + lambda) } }

    /// (test − x̄) · B, the test rows in the basis' coordinates (t × m).
    func project(_ test: Matrix) throws(LinalgError) -> Matrix {
        let centered = Matrix(rows: test.rows, columns: test.columns) { i, j in test[i, j] - xMean[j] }
        return try centered.multiplied(by: basis)
    }
}

enum Ridge {
    /// The λ grid: 29 values from 10⁻⁴ to 10³ times the mean eigenvalue of XcᵀXc, a quarter decade apart.
    static func grid(scale: Double) -> [Double] {
        let s = scale > 0 ? scale : 1
        return (0...28).map { s * pow(10, -4 + 0.25 * Double($0)) }
    }

    /// The ridge fit of (x, y) with a given penalty.
    static func fit(x: Matrix, y: [Double], lambda: Double) throws(LinalgError) -> RidgeFit {
        try RidgeDecomposition(x: x).fit(y, lambda: lambda)
    }

    /// For every score, the λ of `grid` that minimizes the squared error of `folds`-fold
    /// cross-validation within (x, ys) — ties to the larger λ.
    ///
    /// - Parameters:
    ///   - x: n × p training weights.
    ///   - ys: the scores, n values each.
    ///   - folds: the inner folds (each a list of rows of x).
    ///   - grid: the candidate penalties.
    /// - Complexity: one decomposition per fold, O(|grid| · scores · n · m) predictions.
    static func innerCVPenalties(x: Matrix, ys: [[Double]], folds: [[Int]],
                                 grid: [Double]) throws(LinalgError) -> [Double] {
        let n = x.rows
        var sse = [[Double]](repeating: [Double](repeating: 0, count: grid.count), count: ys.count)
        for held in folds where !held.isEmpty && held.count < n {
            let heldSet = Set(held)
            let train = (0..<n).filter { !heldSet.contains($0) }
            let decomposition = try RidgeDecomposition(x: x.selectingRows(train))
            let projected = try decomposition.project(x.selectingRows(held))
            let m = projected.columns
            for (s, y) in ys.enumerated() {
                let (mean, c) = decomposition.coordinates(train.map { y[$0] })
                for (g, lambda) in grid.enumerated() {
                    var w = [Double](repeating: 0, count: m)
                    for k in 0..<m { w[k] = c[k] / (decomposition.d[k] + lambda) }
                    var e = 0.0
                    for (r, i) in held.enumerated() {
                        var prediction = mean
                        for k in 0..<m { prediction += projected[r, k] * w[k] }
                        e += (y[i] - prediction) * (y[i] - prediction)
                    }
                    sse[s][g] += e
                }
            }
        }
        return sse.map { errors in
            var best = grid.count - 1
            for g in stride(from: grid.count - 1, through: 0, by: -1) where errors[g] < errors[best] * (1 - 1e-12) {
                best = g
            }
            return grid[best]
        }
    }
}
