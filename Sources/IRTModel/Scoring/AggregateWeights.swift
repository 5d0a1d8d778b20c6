import Foundation
import Linalg

/// What the aggregate is made of: the weight of each standardized task in the
/// aggregate of a run observed on every task (METHOD.md §8a).
///
/// With the complete-data posterior ``Posterior`` (`θ̂ = z B V`) and the
/// aggregate's factor weights c (``AggregateDefinition``):
///
/// ```
/// a = θ̂ c = z w,   w = B V c = Ψ⁻¹Λ (I + ΛᵀΨ⁻¹Λ)⁻¹ c = (ΛΛᵀ + Ψ)⁻¹ Λ c       (p)
/// share_t = |w_t| / Σ_s |w_s|,   effective tasks = (Σ_t |w_t|)² / Σ_t w_t²
/// ```
///
/// For the mean of θ, `w = (1/k) · B V 1`, the row sums of ``Posterior/projection``
/// over k. The effective number of tasks is p when every task weighs the same
/// and 1 when one task carries everything. A run missing tasks has weights of
/// its own (its posterior's); these are the complete run's.
public struct AggregateWeights: Sendable, Codable, Equatable {
    /// One task's part of the aggregate.
    public struct Task: Sendable, Codable, Equatable {
        /// The column name.
        public let name: String
        /// Its group (``TaskGroups``).
        public let group: String
        /// `w_t`, the aggregate's weight on the task's standardized, signed value.
        public let weight: Double
        /// `|w_t| / Σ|w|`.
        public let share: Double
        /// Its uniqueness ψ_t.
        public let psi: Double
        /// The share of its sweep variance that is seed noise, when it has a noise anchor.
        public let noiseShare: Double?

        enum CodingKeys: String, CodingKey { case name, group, weight, share, psi, noiseShare = "noise_share" }
    }

    /// One group's part of the aggregate.
    public struct Group: Sendable, Codable, Equatable {
        public let name: String
        /// The sum of its tasks' shares.
        public let share: Double
        /// How many tasks it has.
        public let tasks: Int
    }

    /// Every task, largest share first (model order on ties).
    public let tasks: [Task]
    /// `(Σ|w|)² / Σw²` (0 when every weight is 0).
    public let effectiveTasks: Double
    /// The share of the three largest (of all tasks when there are fewer).
    public let top3Share: Double
    /// The fewest tasks that hold at least half of the weight.
    public let halfWeightTasks: Int
    /// Every group, largest share first (first occurrence on ties).
    public let byGroup: [Group]

    enum CodingKeys: String, CodingKey {
        case tasks, effectiveTasks = "effective_tasks", top3Share = "top3_share"
        case halfWeightTasks = "half_weight_tasks", byGroup = "by_group"
    }

    /// Whether half of the weight sits on fewer than a quarter of the tasks
    /// (the `aggregate_concentrated` warning).
    public var isConcentrated: Bool { halfWeightTasks > 0 && 4 * halfWeightTasks < tasks.count }

    /// The tasks that hold half of the weight, largest first.
    public var halfWeight: ArraySlice<Task> { tasks.prefix(halfWeightTasks) }

    /// The weights `w = B V c` of `model`'s tasks (model order) under its aggregate definition.
    ///
    /// - Throws: ``AnalysisError/numerical(_:)`` when the posterior cannot be formed.
    /// - Complexity: O(p k² + k³).
    public static func taskWeights(_ model: FittedModel) throws(AnalysisError) -> [Double] {
        let projection = try model.posterior().projection
        let c = model.aggregateDefinition.factorWeights
        return (0..<projection.rows).map { t in (0..<c.count).reduce(0.0) { $0 + projection[t, $1] * c[$1] } }
    }

    /// The make-up of `model`'s aggregate.
    ///
    /// - Parameters:
    ///   - noiseShare: per task (model order), its noise share, `nil` without an anchor.
    ///   - groups: how tasks are grouped.
    /// - Throws: ``AnalysisError/numerical(_:)`` when the posterior cannot be formed.
    public init(model: FittedModel, noiseShare: [Double?], groups: TaskGroups = TaskGroups()) throws(AnalysisError) {
        self.init(names: model.tasks.map(\.name), weights: try Self.taskWeights(model), psi: model.psi,
                  noiseShare: noiseShare, groups: groups)
    }

    /// The make-up of task weights `weights` (one per name, with its ψ and noise share).
    ///
    /// - Complexity: O(p log p).
    public init(names: [String], weights: [Double], psi: [Double], noiseShare: [Double?],
                groups: TaskGroups = TaskGroups()) {
        precondition(weights.count == names.count && psi.count == names.count && noiseShare.count == names.count,
                     "one weight, ψ and noise share per task")
        let total = weights.reduce(0) { $0 + Swift.abs($1) }
        let squares = weights.reduce(0) { $0 + $1 * $1 }
        let shares = weights.map { total > 0 ? Swift.abs($0) / total : 0 }
        let order = names.indices.sorted { shares[$0] > shares[$1] || (shares[$0] == shares[$1] && $0 < $1) }
        tasks = order.map { t in
            Task(name: names[t], group: groups.group(of: names[t]), weight: weights[t], share: shares[t], psi: psi[t],
                 noiseShare: noiseShare[t])
        }
        effectiveTasks = squares > 0 ? total * total / squares : 0
        top3Share = tasks.prefix(3).reduce(0) { $0 + $1.share }
        var cumulative = 0.0, half = 0
        for task in tasks where cumulative < 0.5 && total > 0 {
            cumulative += task.share
            half += 1
        }
        halfWeightTasks = half
        var groupOrder: [String] = [], groupShare: [String: Double] = [:], groupCount: [String: Int] = [:]
        for t in names.indices {
            let g = groups.group(of: names[t])
            if groupShare[g] == nil { groupOrder.append(g) }
            groupShare[g, default: 0] += shares[t]
            groupCount[g, default: 0] += 1
        }
        let first = Dictionary(uniqueKeysWithValues: groupOrder.enumerated().map { ($1, $0) })
        byGroup = groupOrder.map { Group(name: $0, share: groupShare[$0]!, tasks: groupCount[$0]!) }
            .sorted { $0.share > $1.share || ($0.share == $1.share && first[$0.name]! < first[$1.name]!) }
    }

    /// The summary line: "the aggregate rests mostly on 3 of 43 tasks: a 14%, b 11%, c 9% (…)" when
    /// concentrated, else "half of the aggregate's weight is spread over 12 of 43 tasks".
    public var headline: String {
        let p = tasks.count
        let effective = String(format: "%.1f", effectiveTasks)
        let top = String(format: "%.0f%%", 100 * top3Share)
        guard isConcentrated else {
            return "half of the aggregate's weight is spread over \(halfWeightTasks) of \(p) tasks (\(effective) effective tasks; the top 3 hold \(top))"
        }
        let listed = AnalysisWarning.list(halfWeight.map { "\($0.name) \(String(format: "%.0f%%", 100 * $0.share))" }, limit: 6)
        return "the aggregate rests mostly on \(halfWeightTasks) of \(p) tasks, which hold half of its weight: \(listed) (\(effective) effective tasks; the top 3 hold \(top))"
    }
}
