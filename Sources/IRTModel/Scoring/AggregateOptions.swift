/// How the aggregate is defined and its make-up grouped (``AnalysisOptions/aggregate``, METHOD.md §8a).
public struct AggregateOptions: Sendable, Equatable {
    /// Which factor weights make the aggregate.
    public enum Definition: Sendable, Equatable {
        /// The mean of θ (the default).
        case mean
        /// These factor weights, one per factor, normalized to sum 1
        /// (``AggregateDefinition/init(weights:factors:)``).
        case weights([Double])
        /// Equal shares of the aggregate's variance across the sweep (``AggregateDefinition/balanced(theta:)``).
        case balanced
    }

    /// The aggregate's definition; ``Definition/mean`` by default.
    public var definition: Definition
    /// How tasks are grouped in the make-up's shares by group.
    public var taskGroups: TaskGroups

    public init(definition: Definition = .mean, taskGroups: TaskGroups = TaskGroups()) {
        self.definition = definition
        self.taskGroups = taskGroups
    }
}
