#pragma once
// Forward declarations of the DSL handles, so their headers can name each other. Include
// tributary/streams/streams.hpp to use them.

namespace tributary::streams {
template <class K, class V>
class kstream;
template <class K, class V>
class ktable;
template <class K, class V>
class kgrouped_stream;
template <class K, class V>
class kgrouped_table;
} // namespace tributary::streams
