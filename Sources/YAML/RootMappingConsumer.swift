/// Takes a document's root mapping as it is composed, so that a large document's parts can be used (and freed)
/// while the rest of it is still being read.
///
/// When the value of one of the root mapping's pairs starts as a sequence with no anchor, the composer asks
/// `startsItems`; if the consumer takes it, each item goes to `item(_:)` as soon as it is composed, and the tree
/// keeps an empty sequence (same tag, style and mark) in its place. The consumer sees the pairs as written: merge
/// keys are not applied and duplicate keys not yet rejected, so it must not act on what it sees until the
/// document has loaded without error.
public protocol RootMappingConsumer: AnyObject {
    /// The value of the root mapping's next pair, under `key`, is a sequence; `pairs` are the pairs before it.
    /// Returns whether to take the sequence's items one by one.
    func startsItems(key: Node, after pairs: ArraySlice<Node.Pair>) -> Bool
    /// One item of a sequence taken by `startsItems`, in order.
    func item(_ node: consuming Node)
    /// The sequence taken by `startsItems` has ended.
    func endItems()
    /// The root mapping's last pair is composed; `pairs` are all of them, as written.
    func rootEnded(_ pairs: ArraySlice<Node.Pair>)
}
