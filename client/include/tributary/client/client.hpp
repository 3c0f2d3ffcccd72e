#pragma once
// The whole native client API in one include: connections (embedded or remote), producer,
// consumer, admin and serdes. Heavier than picking headers; fine for applications.

#include "tributary/client/admin.hpp"
#include "tributary/client/connection.hpp"
#include "tributary/client/consumer.hpp"
#include "tributary/client/error.hpp"
#include "tributary/client/metadata_cache.hpp"
#include "tributary/client/murmur2.hpp"
#include "tributary/client/partitioner.hpp"
#include "tributary/client/producer.hpp"
#include "tributary/client/record.hpp"
#include "tributary/client/serdes.hpp"
#include "tributary/client/typed_producer.hpp"
