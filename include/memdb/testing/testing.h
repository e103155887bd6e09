// memdb::testing in one include: fixtures, matchers, printers and test doubles for GoogleTest
// and GoogleMock users (docs/testing.md). Link the CMake target memdb::testing.
#ifndef MEMDB_TESTING_TESTING_H_
#define MEMDB_TESTING_TESTING_H_

#include "memdb/testing/db_matchers.h"
#include "memdb/testing/db_test.h"
#include "memdb/testing/durable_db_test.h"
#include "memdb/testing/faulty_kv_store.h"
#include "memdb/testing/golden_at_end.h"
#include "memdb/testing/golden_matchers.h"
#include "memdb/testing/golden_names.h"
#include "memdb/testing/kv_state.h"
#include "memdb/testing/mock_kv_store.h"
#include "memdb/testing/printers.h"
#include "memdb/testing/recording_kv_store.h"
#include "memdb/testing/scenario_tests.h"
#include "memdb/testing/simulation_test.h"
#include "memdb/testing/status_matchers.h"
#include "memdb/testing/test_names.h"

#endif  // MEMDB_TESTING_TESTING_H_
