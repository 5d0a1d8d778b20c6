extension NumberFormat {
    /// A coverage share (0…1) as a whole percent that never rounds to a
    /// boundary it has not reached: `<1%` for a share above 0 that rounds to
    /// 0%, `>99%` for one below 1 that rounds to 100%.
    ///
    /// `1/356` → `<1%`; `0.5` → `50%`; `355/356` → `>99%`; `1` → `100%`; `0` → `0%`.
    public static func coverage(_ share: Double) -> String {
        guard share.isFinite else { return "n/a" }
        let rounded = (100 * share).rounded()
        if share > 0, rounded < 1 { return "<1%" }
        if share < 1, rounded > 99 { return ">99%" }
        return fixed(100 * share, decimals: 0) + "%"
    }
}
