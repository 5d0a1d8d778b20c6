/// How the number of factors k was chosen, for the summary, the report and
/// both JSON files (`k_choice`).
public struct FactorCountChoice: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The rule that set k.
    public enum Rule: String, Sendable, Codable, CaseIterable {
        /// Horn's k95 (the default).
        case horn
        /// Horn found no factor above noise (k95 = 0); k = 1 was fitted.
        case hornZeroFallback = "horn_zero_fallback"
        /// The user fixed k (`--factors`, `FitOptions.factors`).
        case fixed
        /// k is the column count of the starting loadings the user gave.
        case initialLoadings = "initial_loadings"
    }

    public let rule: Rule
    /// The k fitted.
    public let k: Int
    /// Horn's counts at the time (`nil` when Horn did not run).
    public let k95: Int?
    public let kMean: Int?
    /// The k asked for when it was above Ledermann's bound and k was capped to it; `nil` otherwise.
    public let capped: Int?

    public init(rule: Rule, k: Int, k95: Int?, kMean: Int?, capped: Int? = nil) {
        self.rule = rule
        self.k = k
        self.k95 = k95
        self.kMean = kMean
        self.capped = capped
    }

    enum CodingKeys: String, CodingKey { case rule, k, k95, kMean = "k_mean", capped }

    /// One phrase: "k = 4 from Horn's k95", "k = 2, fixed by the user (Horn's k95 = 4)".
    public var description: String {
        let horn = k95.map { "Horn's k95 = \($0)" } ?? "Horn not run"
        if let capped { return "k = \(k): \(capped) asked for (\(rule == .horn ? horn : "fixed by the user")), capped at Ledermann's bound" }
        switch rule {
        case .horn: return "k = \(k) from Horn's k95"
        case .hornZeroFallback: return "k = 1: no factor stands above noise (k95 = 0)"
        case .fixed: return "k = \(k), fixed by the user (\(horn))"
        case .initialLoadings: return "k = \(k), the columns of the starting loadings (\(horn))"
        }
    }
}

extension FactorCountChoice {
    /// Degrees of freedom of a k-factor model of p tasks with `freeUniquenesses`
    /// estimated ψ: `p(p + 1)/2 − (p k − k(k − 1)/2 + free ψ)`.
    public static func degreesOfFreedom(p: Int, k: Int, freeUniquenesses: Int) -> Int {
        p * (p + 1) / 2 - (p * k - k * (k - 1) / 2 + freeUniquenesses)
    }

    /// Ledermann's bound: the largest k with non-negative degrees of freedom (at least 1),
    /// counting only free ψ as parameters.
    public static func ledermannBound(p: Int, freeUniquenesses: Int) -> Int {
        var k = 1
        while k < p, degreesOfFreedom(p: p, k: k + 1, freeUniquenesses: freeUniquenesses) >= 0 { k += 1 }
        return k
    }
}
