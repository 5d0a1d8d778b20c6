/// The Nelder–Mead simplex search for a minimum of a function of a few variables
/// (reflection 1, expansion 2, contraction ½, shrink ½).
enum NelderMead {
    /// Minimizes `f` from `start` with an initial simplex of `step` along each axis.
    ///
    /// Stops when the spread of the simplex' values is below `tolerance` (absolute) or after
    /// `maxEvaluations` evaluations.
    /// - Returns: the best vertex.
    /// - Complexity: `maxEvaluations` evaluations of `f` at most.
    static func minimize(_ f: ([Double]) -> Double, from start: [Double], step: Double, tolerance: Double,
                         maxEvaluations: Int) -> [Double] {
        let m = start.count
        var simplex = [start]
        for j in 0..<m {
            var v = start
            v[j] += step
            simplex.append(v)
        }
        var values = simplex.map(f)
        var evaluations = m + 1
        while evaluations < maxEvaluations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if values[m] - values[0] < tolerance { break }
            var centroid = [Double](repeating: 0, count: m)
            for v in simplex.dropLast() { for j in 0..<m { centroid[j] += v[j] / Double(m) } }
            func along(_ t: Double) -> [Double] { (0..<m).map { centroid[$0] + t * (simplex[m][$0] - centroid[$0]) } }
            let reflected = along(-1)
            let fr = f(reflected)
            evaluations += 1
            if fr < values[0] {
                let expanded = along(-2)
                let fe = f(expanded)
                evaluations += 1
                if fe < fr { simplex[m] = expanded; values[m] = fe } else { simplex[m] = reflected; values[m] = fr }
            } else if fr < values[m - 1] {
                simplex[m] = reflected
                values[m] = fr
            } else {
                let contracted = fr < values[m] ? along(-0.5) : along(0.5)
                let fc = f(contracted)
                evaluations += 1
                if fc < min(fr, values[m]) {
                    simplex[m] = contracted
                    values[m] = fc
                } else {
                    for i in 1...m {
                        simplex[i] = (0..<m).map { simplex[0][$0] + 0.5 * (simplex[i][$0] - simplex[0][$0]) }
                        values[i] = f(simplex[i])
                    }
                    evaluations += m
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] }!
        return simplex[best]
    }
}
