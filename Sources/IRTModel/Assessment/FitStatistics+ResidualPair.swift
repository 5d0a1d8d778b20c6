extension FitStatistics {
    /// One off-diagonal residual `e_ij` of ``FitStatistics/residuals``, for the report.
    public struct ResidualPair: Sendable, Codable, Equatable {
        /// The first task's index (0-based), the larger of the two.
        public let i: Int
        /// The second task's index (0-based), `j < i`.
        public let j: Int
        /// The standardized residual `(S_ij − Σ_ij) / √(S_ii S_jj)`.
        public let value: Double

        /// A residual of tasks i and j.
        public init(i: Int, j: Int, value: Double) {
            self.i = i
            self.j = j
            self.value = value
        }
    }

    /// The `m` task pairs (`i > j`) with the largest `|e_ij|`, largest first;
    /// ties by ascending (i, j). Fewer when there are fewer than `m` pairs.
    ///
    /// - Parameter m: how many pairs, ≥ 0.
    /// - Complexity: O(p² log p²).
    public func largestResiduals(_ m: Int) -> [ResidualPair] {
        guard m > 0 else { return [] }
        var pairs = [ResidualPair]()
        pairs.reserveCapacity(tasks * (tasks - 1) / 2)
        for j in 0..<tasks {
            for i in (j + 1)..<Swift.max(tasks, j + 1) { pairs.append(ResidualPair(i: i, j: j, value: residuals[i, j])) }
        }
        pairs.sort { a, b in
            let x = abs(a.value), y = abs(b.value)
            return x != y ? x > y : (a.i, a.j) < (b.i, b.j)
        }
        return Array(pairs.prefix(m))
    }
}
