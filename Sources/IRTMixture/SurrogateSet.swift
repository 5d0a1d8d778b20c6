import Foundation
import Linalg

/// The surrogates of several scores over the same training runs, evaluated together: one
/// pass over the runs gives every score's prediction, and one more the gradient of any
/// weighted sum of them (the GP kernels share the distances ‖x − xᵢ‖²).
///
/// ```
/// ridge:  f(x) = ȳ + (x − x̄)ᵀβ,                         ∇f = β
/// GP:     f(x) = μ + Σᵢ αᵢ exp(−‖x − xᵢ‖²/(2ℓ²)),        ∇f = Σᵢ αᵢ rᵢ(x) (xᵢ − x)/ℓ²
/// ```
struct SurrogateSet: Sendable {
    enum Member: Sendable {
        case ridge(RidgeFit)
        case gp(alpha: [Double], lengthScale: Double, mean: Double)
    }

    /// n × p training weights, row-major, and their squared norms.
    let points: [Double]
    let norms: [Double]
    let n: Int
    let p: Int
    let members: [Member]

    /// - Parameters:
    ///   - x: all runs' weights; `rows` the training rows of every GP member (with repeats for a bootstrap).
    init(x: Matrix, rows: [Int], members: [Member]) {
        n = rows.count
        p = x.columns
        (points, norms) = Self.rowMajor(x, rows: rows)
        self.members = members
    }

    /// ‖x − xᵢ‖² for every training run (empty when no member is a GP).
    private func squaredDistances(_ x: [Double]) -> [Double] {
        guard members.contains(where: { if case .gp = $0 { true } else { false } }) else { return [] }
        return Self.squaredDistances(from: x, toRowMajor: points, norms: norms, p: p)
    }

    /// ‖x − xᵢ‖² = ‖x‖² − 2x·xᵢ + ‖xᵢ‖² (clamped at 0 against rounding) for the n × p row-major
    /// points xᵢ with squared norms `norms`.
    ///
    /// - Complexity: O(np).
    static func squaredDistances(from x: [Double], toRowMajor points: [Double], norms: [Double], p: Int) -> [Double] {
        let n = norms.count
        var xx = 0.0
        for j in 0..<p { xx += x[j] * x[j] }
        var d = [Double](repeating: 0, count: n)
        points.withUnsafeBufferPointer { pts in
            for i in 0..<n {
                var dot = 0.0
                let base = i * p
                for j in 0..<p { dot += pts[base + j] * x[j] }
                d[i] = max(xx - 2 * dot + norms[i], 0)
            }
        }
        return d
    }

    /// Every member's prediction at x.
    func predict(_ x: [Double]) -> [Double] { evaluate(x, gradientWeights: nil).values }

    /// The predictions at x and, when `gradientWeights` is given (it receives the predictions
    /// and returns one weight per member), the gradient of Σ_s w_s f_s at x.
    func evaluate(_ x: [Double], gradientWeights: (([Double]) -> [Double])?) -> (values: [Double], gradient: [Double]) {
        let d = squaredDistances(x)
        var values = [Double](repeating: 0, count: members.count)
        var kernels = [[Double]](repeating: [], count: members.count)
        for (s, member) in members.enumerated() {
            switch member {
            case let .ridge(fit):
                values[s] = fit.predict(x)
            case let .gp(alpha, lengthScale, mean):
                let scale = -0.5 / (lengthScale * lengthScale)
                var k = [Double](repeating: 0, count: n)
                var v = mean
                for i in 0..<n {
                    k[i] = exp(scale * d[i])
                    v += alpha[i] * k[i]
                }
                values[s] = v
                kernels[s] = k
            }
        }
        guard let gradientWeights else { return (values, []) }
        let w = gradientWeights(values)
        var gradient = [Double](repeating: 0, count: p)
        var coefficients = [Double](repeating: 0, count: n)
        var anyGP = false
        for (s, member) in members.enumerated() where w[s] != 0 {
            switch member {
            case let .ridge(fit):
                for j in 0..<p { gradient[j] += w[s] * fit.beta[j] }
            case let .gp(alpha, lengthScale, _):
                anyGP = true
                let c = w[s] / (lengthScale * lengthScale)
                let k = kernels[s]
                for i in 0..<n { coefficients[i] += c * alpha[i] * k[i] }
            }
        }
        if anyGP {
            var total = 0.0
            points.withUnsafeBufferPointer { pts in
                for i in 0..<n where coefficients[i] != 0 {
                    let c = coefficients[i]
                    total += c
                    let base = i * p
                    for j in 0..<p { gradient[j] += c * pts[base + j] }
                }
            }
            for j in 0..<p { gradient[j] -= total * x[j] }
        }
        return (values, gradient)
    }
}

extension SurrogateSet {
    /// The rows `rows` of `x` packed row-major (a GP's training points, row a = run rows[a]),
    /// and each packed row's squared norm (for squared distances by one dot product).
    ///
    /// - Complexity: O(|rows| · columns).
    static func rowMajor(_ x: Matrix, rows: [Int]) -> (points: [Double], norms: [Double]) {
        let p = x.columns
        var points = [Double](repeating: 0, count: rows.count * p)
        var norms = [Double](repeating: 0, count: rows.count)
        for (a, i) in rows.enumerated() {
            var s = 0.0
            for c in 0..<p {
                let v = x[i, c]
                points[a * p + c] = v
                s += v * v
            }
            norms[a] = s
        }
        return (points, norms)
    }
}
