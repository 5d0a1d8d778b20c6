import Foundation
import Linalg

/// Free loadings fitted the way R's `factanal` fits them: the likelihood
/// concentrated over Λ (``ConcentratedLikelihood``) maximized over the free
/// uniquenesses by a bounded quasi-Newton iteration (``BoundedQuasiNewton``),
/// anchored ψ held at their anchors.
///
/// ```
/// minimize F(ψ) over x_t = x(ψ_t) (free tasks),  x_t ≥ x(l_t)
/// x(ψ) = ln ψ for ψ ≥ c,  ln c + (ψ − c)/c below (c = 0.01, C¹ at c)
/// ∂F/∂x_t = (dψ/dx) ∂F/∂ψ_t = (ψ_t or c) (‖λ_t‖² + ψ_t − S_tt) / ψ_t²
/// ```
///
/// In ln ψ a small ψ_t is as well scaled as a large one; but near a Heywood
/// task's bound the objective falls about as fast as √ψ_t, flat in ln ψ_t,
/// and the iteration crawled there (41 and 50 iterations at k = 5, 6 on a
/// 200-task sweep with Heywood tasks). Linear in ψ below c, the bound is
/// steep and reached in a few steps (16 and 19), while the bundled sample's
/// fits take as many evaluations as in ln ψ (243 against 244 over k = 3, 5,
/// 7, 8; in √ψ, which reaches the bound as fast, they took 584). The stop
/// rules measure ψ itself (``size(_:_:)``).
///
/// The start ψ⁰ (free tasks; ``startingUniquenesses(s:k:anchors:lowerBounds:options:)``):
/// from explicit loadings Λ0, `ψ⁰_t = S_tt − ‖λ0_t‖²`; from init seed 0,
/// factanal's `(1 − k/(2p)) / (S⁻¹)_tt` (`(1 − k/(2p)) S_tt` when S is singular);
/// from any other seed, `S_tt · u_t` with `u_t ~ U(0, 1)` (factanal's extra
/// starts); each at least its bound.
struct ConcentratedFit {
    let likelihood: ConcentratedLikelihood
    /// Per task, the fixed ψ or `nil` for a free one (already clamped).
    let anchors: [Double?]
    /// Per task, the lower bound of a free ψ.
    let lowerBounds: [Double]
    /// The tasks whose ψ is estimated.
    let freeTasks: [Int]

    /// - Throws: ``AnalysisError/invalidOption(_:)`` when S is not square with a
    ///   positive, finite diagonal and finite entries, or a bound is not positive
    ///   and finite, or the counts do not match.
    init(s: Matrix, observations n: Int, k: Int, anchors: [Double?], lowerBounds: [Double]) throws(AnalysisError) {
        let p = s.rows
        guard s.columns == p else { throw .invalidOption("the covariance matrix is \(s.rows) × \(s.columns); it must be square") }
        guard anchors.count == p, lowerBounds.count == p else {
            throw .invalidOption("\(anchors.count) anchors and \(lowerBounds.count) ψ bounds for \(p) tasks; give one of each per task")
        }
        if let bad = lowerBounds.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw .invalidOption("the ψ lower bound of task \(bad + 1) is \(lowerBounds[bad]); it must be positive and finite")
        }
        var nonFinite: (Int, Int)? = nil
        s.withElements { e in
            outer: for j in 0..<p { for i in 0..<p where !e[i + j * p].isFinite { nonFinite = (i, j); break outer } }
        }
        if let (i, j) = nonFinite {
            throw .invalidOption("the covariance matrix has a non-finite entry at row \(i + 1), column \(j + 1)")
        }
        if let bad = (0..<p).first(where: { !(s[$0, $0] > 0) }) {
            throw .invalidOption("the covariance matrix has variance \(s[bad, bad]) at task \(bad + 1); every variance must be positive")
        }
        likelihood = ConcentratedLikelihood(s: s, k: k, n: n)
        self.anchors = anchors
        self.lowerBounds = lowerBounds
        freeTasks = (0..<p).filter { anchors[$0] == nil }
    }

    /// ψ⁰ (see the type's documentation); anchored tasks at their anchor.
    ///
    /// - Throws: ``AnalysisError/invalidInitialLoadings(reason:)`` for a Λ0 of
    ///   the wrong shape or with a non-finite entry (free loadings may be negative).
    static func startingUniquenesses(
        s: Matrix, k: Int, anchors: [Double?], lowerBounds: [Double], options: FitOptions
    ) throws(AnalysisError) -> [Double] {
        let p = s.rows
        let variance = s.diagonalElements
        var start: [Double]
        if let rows = options.initialLoadings {
            guard rows.count == p, rows.allSatisfy({ $0.count == k }) else {
                throw .invalidInitialLoadings(reason: "must be \(p) rows of \(k) numbers (tasks × factors), got \(rows.count) rows of \(rows.first?.count ?? 0)")
            }
            guard rows.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
                throw .invalidInitialLoadings(reason: "must be finite")
            }
            start = (0..<p).map { t in variance[t] - rows[t].reduce(0.0) { $0 + $1 * $1 } }
        } else if options.initSeed == 0 {
            let shrink = 1 - 0.5 * Double(k) / Double(p)
            var factor = s.elements
            do throws(LinalgError) {
                try InPlaceCholesky.factor(&factor, order: p)
                var inverse = [Double](repeating: 0, count: p * p)
                InPlaceCholesky.inverse(factor: factor, order: p, into: &inverse)
                start = (0..<p).map { shrink / inverse[$0 + $0 * p] }
            } catch {
                start = variance.map { shrink * $0 }
            }
        } else {
            var rng = Xoshiro256StarStar(seed: options.initSeed)
            start = variance.map { $0 * Double.random(in: 0..<1, using: &rng) }
        }
        return (0..<p).map { t in anchors[t] ?? Swift.max(start[t].isFinite ? start[t] : variance[t], lowerBounds[t]) }
    }

    /// The loadings `Λ0` with `‖λ0_t‖² = S_tt − ψ⁰_t` split evenly over the k
    /// factors: the start in the form ``FitDiagnostics/initialLoadings`` records,
    /// from which ``startingUniquenesses(s:k:anchors:lowerBounds:options:)``
    /// gives ψ⁰ back.
    static func equivalentLoadings(psi: [Double], variance: [Double], k: Int) -> [[Double]] {
        zip(psi, variance).map { psi, v in
            [Double](repeating: (Swift.max(v - psi, 0) / Double(k)).squareRoot(), count: k)
        }
    }

    /// Where the coordinate turns from ln ψ to linear in ψ (``coordinate(_:)``).
    static let knee = 0.01

    /// The coordinate of a uniqueness: `ln ψ` above ``knee`` c, continued
    /// linearly below it, `ln c + (ψ − c)/c` (C¹ at c).
    static func coordinate(_ psi: Double) -> Double {
        psi >= knee ? Foundation.log(psi) : Foundation.log(knee) + (psi - knee) / knee
    }

    /// The uniqueness of a coordinate (the inverse of ``coordinate(_:)``) and `dψ/dx`.
    static func uniqueness(_ x: Double) -> (psi: Double, derivative: Double) {
        let bend = Foundation.log(knee)
        if x >= bend { let psi = Foundation.exp(x); return (psi, psi) }
        return (knee * (1 + x - bend), knee)
    }

    /// The largest change of ψ between the coordinates x and `x + d`: `max_t |ψ(x_t + d_t) − ψ(x_t)|`.
    static func size(_ x: [Double], _ d: [Double]) -> Double {
        var m = 0.0
        for i in x.indices { m = Swift.max(m, Swift.abs(uniqueness(x[i] + d[i]).psi - uniqueness(x[i]).psi)) }
        return m
    }

    /// The full ψ at the coordinates x of the free tasks, exactly at their bound where x is.
    func psi(_ x: [Double], start: [Double]) -> [Double] {
        var psi = start
        for (i, t) in freeTasks.enumerated() {
            psi[t] = x[i] <= Self.coordinate(lowerBounds[t]) ? lowerBounds[t] : Self.uniqueness(x[i]).psi
        }
        return psi
    }

    /// Maximizes the concentrated likelihood from `start` (p uniquenesses).
    ///
    /// - Returns: Λ(ψ̂) (unrotated, factors by descending γ) with ψ̂, and how the optimizer ended.
    /// - Throws: ``AnalysisError/numerical(_:)`` when the eigensolver fails.
    /// - Complexity: per evaluation that of ``ConcentratedLikelihood/evaluate(_:)``;
    ///   tens of evaluations on well-posed problems.
    func run(from start: [Double], options: FitOptions, progress: (@Sendable (Int, Double) -> Void)?)
        throws(AnalysisError) -> (parameters: FactorParameters, optimizer: BoundedQuasiNewton.Result) {
        let x0 = freeTasks.map { Self.coordinate(start[$0]) }
        let lower = freeTasks.map { Self.coordinate(lowerBounds[$0]) }
        let optimizer = BoundedQuasiNewton(maxEvaluations: Swift.max(options.maxIterations, 1), stopRule: options.stopRule)
        let every = Swift.max(options.tuning.progressEvery / 100, 1)
        let report: ((Int, Double) -> Void)? = progress.map { progress in
            { evaluations, step in if evaluations % every == 0 { progress(evaluations, step) } }
        }
        let result = try optimizer.minimize(from: x0, lower: lower, size: Self.size, progress: report) {
            (x: [Double]) throws(AnalysisError) -> (value: Double, gradient: [Double], roundoff: Double) in
            let psi = self.psi(x, start: start)
            let point = try likelihood.evaluate(psi)
            return (point.objective, zip(freeTasks, x).map { t, x in point.gradient[t] * Self.uniqueness(x).derivative },
                    point.roundoff)
        }
        let psi = self.psi(result.x, start: start)
        let point = try likelihood.evaluate(psi)
        return (FactorParameters(lambda: point.lambda, psi: psi), result)
    }
}
