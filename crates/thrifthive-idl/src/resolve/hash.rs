//! The hash behind the resolver's maps, which are keyed by names and small integers. SipHash
//! resists hash flooding, which a compiler reading its user's own files does not need, and it was
//! a visible share of resolution time; Fx is the hash rustc uses for the same kind of keys.

pub(super) use rustc_hash::FxHashMap as FastMap;

pub(super) fn map_with_capacity<K, V>(capacity: usize) -> FastMap<K, V> {
    FastMap::with_capacity_and_hasher(capacity, Default::default())
}
