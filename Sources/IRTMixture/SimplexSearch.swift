/// The product of the phases' simplices, and the total-variation distance on it.
///
/// ```
/// TV(a, b) = (1/P) Σ_phases ½ Σ_{c ∈ phase} |a_c − b_c|
/// ```
struct MixtureGeometry: Sendable {
    /// The column indices of each phase.
    let phases: [[Int]]

    /// The total-variation distance per phase, averaged over the phases.
    func tv(_ a: [Double], _ b: [Double]) -> Double {
        guard !phases.isEmpty else { return 0 }
        var total = 0.0
        for phase in phases {
            var s = 0.0
            for c in phase { s += abs(a[c] - b[c]) }
            total += s / 2
        }
        return total / Double(phases.count)
    }
}

/// What the search maximizes: the objective member of a ``SurrogateSet`` while every
/// constrained member stays at or above its floor (the reference run's prediction).
struct SearchProblem: Sendable {
    let set: SurrogateSet
    let objective: Int
    let constrained: [Int]
    let floors: [Double]
    /// Per member, the sd of the observed score: the unit of the penalty.
    let scales: [Double]
    /// The penalty weight μ of Σ max(0, (floor − f)/scale)².
    var penalty = 50.0

    /// Whether `values` (one per member) keep every constrained member at or above its floor.
    func feasible(_ values: [Double]) -> Bool {
        for (k, s) in constrained.enumerated() where values[s] < floors[k] - 1e-9 * scales[s] { return false }
        return true
    }
}

/// Frank–Wolfe ascent over the mixtures within a total-variation ball around an anchor:
///
/// ```
/// maximize  F(x) = f_obj(x)/s_obj − μ Σ_k max(0, (floor_k − f_k(x))/s_k)²
/// over      x_phase ≥ 0, Σ x_phase = Σ anchor_phase (each phase),  TV(x, anchor) ≤ r
/// ```
///
/// The feasible set is convex, so every iterate xₜ₊₁ = xₜ + γₜ(sₜ − xₜ), γₜ = 2/(t + 3), stays
/// in it; sₜ maximizes ∇F(xₜ)ᵀs over the set — a fractional knapsack: mass moves from the
/// columns of lowest gradient into each phase's column of highest gradient, the largest gains
/// first, until the TV budget r·P is spent. The search returns the best iterate that keeps
/// every constrained member at its floor (the anchor when none improves on it).
enum SimplexSearch {
    /// The linear maximizer of gᵀs over the ball (the Frank–Wolfe vertex).
    ///
    /// - Complexity: O(p log p).
    static func vertex(gradient g: [Double], anchor: [Double], radius: Double, geometry: MixtureGeometry) -> [Double] {
        var moves: [(gain: Double, from: Int, to: Int)] = []
        for phase in geometry.phases {
            guard let best = phase.max(by: { g[$0] < g[$1] }) else { continue }
            for c in phase where c != best && anchor[c] > 0 && g[best] > g[c] {
                moves.append((g[best] - g[c], c, best))
            }
        }
        moves.sort { $0.gain > $1.gain }
        var s = anchor
        var budget = radius * Double(geometry.phases.count)
        for move in moves where budget > 0 {
            let amount = min(anchor[move.from], budget)
            s[move.from] -= amount
            s[move.to] += amount
            budget -= amount
        }
        return s
    }

    /// Maximizes the problem's objective from `anchor` within TV ≤ `radius` of it.
    ///
    /// - Returns: the best feasible iterate and its predictions (nil when not even the anchor is feasible).
    /// - Complexity: `iterations` evaluations of the surrogate set with a gradient.
    static func maximize(_ problem: SearchProblem, anchor: [Double], radius: Double, geometry: MixtureGeometry,
                         iterations: Int = 60) -> (x: [Double], values: [Double])? {
        var x = anchor
        var best: (x: [Double], values: [Double])? = nil
        let objectiveScale = problem.scales[problem.objective]
        let penalized: ([Double]) -> [Double] = { values in
            var w = [Double](repeating: 0, count: values.count)
            w[problem.objective] = 1 / objectiveScale
            for (k, s) in problem.constrained.enumerated() {
                let shortfall = (problem.floors[k] - values[s]) / problem.scales[s]
                if shortfall > 0 { w[s] += 2 * problem.penalty * shortfall / problem.scales[s] }
            }
            return w
        }
        for t in 0...iterations {
            let evaluation = problem.set.evaluate(x, gradientWeights: t == iterations ? nil : penalized)
            if problem.feasible(evaluation.values),
               best == nil || evaluation.values[problem.objective] > best!.values[problem.objective] {
                best = (x, evaluation.values)
            }
            if t == iterations { break }
            let s = vertex(gradient: evaluation.gradient, anchor: anchor, radius: radius, geometry: geometry)
            let gamma = 2 / Double(t + 3)
            for j in x.indices { x[j] += gamma * (s[j] - x[j]) }
        }
        return best
    }
}
