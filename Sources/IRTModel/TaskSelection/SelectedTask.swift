/// One column chosen as a task by a ``TaskSelection``: its name, the
/// direction in which it is read, and why.
///
/// ```json
/// {"name": "eval/paloma/c4_en/bpb", "direction": "lower_is_better", "reason": {"rule": "reference_preset"}}
/// ```
public struct SelectedTask: Sendable, Hashable, Codable {
    /// The column name.
    public let name: String
    /// How the column is read: lower-is-better columns are negated so that higher = better.
    public let direction: TaskSelection.Direction
    /// Which rule decided ``direction``.
    public let reason: DirectionReason

    /// A task from its parts.
    public init(name: String, direction: TaskSelection.Direction, reason: DirectionReason) {
        self.name = name
        self.direction = direction
        self.reason = reason
    }
}
