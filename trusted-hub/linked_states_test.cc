// Requests while the hub links a new data state (trusted-hub/linked_states.h): after their
// wait they are answered from the state before, with a notice, or asked to come back when
// there is none; the new state's tables follow once it is linked. A link is held in progress
// at the store's gate (GatedStore).

#include "trusted-hub/linked_states.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "audit/officer_audit.h"
#include "ledger/log_format.h"
#include "trusted-hub/hub_test_project.h"

namespace stapel {
namespace {

using testing_util::HubTestProject;

class RelinkTest : public testing::Test {
 protected:
  // A request waits a fifth of a second for a link, unless a test says otherwise.
  static constexpr std::chrono::milliseconds kLinkWait{200};
  // Two periods, each with the register (60 persons); credit sends 2025 later (30 of them
  // with debts).
  void SetUp() override {
    UseLinkWait(kLinkWait);
    p_.manifest.periods = {"2024", "2025"};
    ASSERT_TRUE(hub_.Submit("municipality", 60, 101, *p_.register_key, "2024").ok());
    ASSERT_TRUE(hub_.Submit("municipality", 60, 1, *p_.register_key, "2025").ok());
  }
  // The hub's link of the current states, held at the closed gate until the gate opens (at
  // the latest when this ends, so that no failed test leaves it waiting).
  struct HeldLink {
    explicit HeldLink(testing_util::HubServices& hub) : gate(hub.p.gate.get()) {
      gate->Close();
      result = std::async(std::launch::async, [&hub] { return hub.releaser->LinkCurrent(); });
    }
    ~HeldLink() { gate->Open(); }
    testing_util::GatedStore* gate;
    std::future<absl::StatusOr<std::vector<std::string>>> result;
  };
  // A releaser whose requests wait up to `wait` for a link. Its linker is the test's: a
  // HeldLink or LinkCurrent; a request's wake is only counted.
  void UseLinkWait(std::chrono::milliseconds wait) {
    hub_.releaser = std::make_unique<Releaser>(
        &p_.manifest, p_.submissions.get(), p_.log.get(), p_.relay.get(), Geography(),
        hub_.record_keys.get(), nullptr,
        LinkedStates::Waiting{.wait = wait, .wake_linker = [this] { ++wakes_; }});
  }
  std::atomic<int> wakes_ = 0;
  static v1::TableRequest Of(const std::string& period) {
    v1::TableRequest request;
    request.add_periods(period);
    return request;
  }
  static std::string VersionOf(const v1::ReleaseReply& reply) {
    return nlohmann::json::parse(reply.log_entry())["data_version"];
  }
  // The buurt's debts in a released table (-1: suppressed).
  static int64_t Debts(const v1::ReleaseReply& reply) {
    auto table = *AreaTable::FromJson(nlohmann::json::parse(reply.table_json()));
    const auto& m = table.measures;
    const auto& cell = table.rows[2].cells[std::find(m.begin(), m.end(), "debts") - m.begin()];
    return cell.suppressed ? -1 : cell.value;
  }
  // A release asked on a thread of its own, and whether it was still waiting 300 ms later.
  struct Started {
    std::future<absl::StatusOr<v1::ReleaseReply>> reply;
    bool waited;
  };
  Started StartRelease(const std::string& period) {
    auto reply = std::async(std::launch::async, [this, period] {
      return hub_.releaser->Release("analyst", Of(period));
    });
    const bool waited =
        reply.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout;
    return {std::move(reply), waited};
  }
  // A release asked on a thread of its own, so that one that waits fails the test instead of
  // hanging it.
  absl::StatusOr<v1::ReleaseReply> ReleaseWithin(const std::string& period,
                                                 std::chrono::seconds timeout) {
    auto reply = std::async(std::launch::async,
                            [&] { return hub_.releaser->Release("analyst", Of(period)); });
    if (reply.wait_for(timeout) == std::future_status::ready) return reply.get();
    p_.gate->Open();  // lets the waiting request finish, so the test can end
    reply.wait();
    return absl::DeadlineExceededError("the request waited for the link");
  }

  testing_util::HubServices hub_;
  HubTestProject& p_ = hub_.p;
};

TEST_F(RelinkTest, RequestsDuringALinkCountTheStateBeforeAndSaySo) {
  ASSERT_TRUE(hub_.releaser->LinkCurrent().ok());
  auto before = hub_.releaser->Release("analyst", Of("2025"));
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_EQ(Debts(*before), 0);
  EXPECT_EQ(before->notice(), "");
  // The credit registry sends 2025; the hub's link of the new state is held at the gate.
  ASSERT_TRUE(hub_.Submit("credit", 40, 31, *p_.source_key, "2025").ok());
  HeldLink link(hub_);
  ASSERT_TRUE(p_.gate->AScanWaits(std::chrono::seconds(10)));

  // Meanwhile requests of 2025 count the state before, after their wait, and say so: one, then
  // three at once.
  const auto counts_the_state_before = [&](const absl::StatusOr<v1::ReleaseReply>& during) {
    ASSERT_TRUE(during.ok()) << during.status();
    EXPECT_EQ(VersionOf(*during), VersionOf(*before));
    EXPECT_EQ(Debts(*during), 0);
    EXPECT_NE(during->notice().find("a newer data state of period 2025 is being linked"),
              std::string::npos)
        << during->notice();
    EXPECT_NE(during->notice().find(VersionOf(*before).substr(0, 16)), std::string::npos);
  };
  counts_the_state_before(ReleaseWithin("2025", std::chrono::seconds(10)));
  std::vector<std::future<absl::StatusOr<v1::ReleaseReply>>> at_once;
  for (int i = 0; i < 3; ++i) {
    at_once.push_back(std::async(std::launch::async,
                                 [&] { return ReleaseWithin("2025", std::chrono::seconds(10)); }));
  }
  for (auto& reply : at_once) counts_the_state_before(reply.get());
  EXPECT_GT(wakes_, 0) << "a waiting request asks the linker for a run";
  // A request of a period whose state did not change does not wait either.
  auto other = ReleaseWithin("2024", std::chrono::seconds(10));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->notice(), "");

  p_.gate->Open();
  auto linked = link.result.get();
  ASSERT_TRUE(linked.ok()) << linked.status();
  ASSERT_EQ(linked->size(), 2u);
  EXPECT_NE(linked->back(), VersionOf(*before));
  // Once linked, requests count the new state, and its guard sees every release before.
  auto after = hub_.releaser->Release("analyst", Of("2025"));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(VersionOf(*after), linked->back());
  EXPECT_EQ(Debts(*after), 30);
  EXPECT_EQ(after->notice(), "");
  EXPECT_EQ(after->earlier_releases_checked(), 5u);
  // The officer's audit re-proves every release, those of the state before included.
  auto audit = AuditReleaseLog(p_.dir / "release.log", *p_.hub_key);
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_TRUE(audit->lp_audit.ok()) << audit->lp_audit;
  EXPECT_EQ(audit->releases_audited, 7u);
}

TEST_F(RelinkTest, ALinkThatEndsWithinTheWaitGivesTheRequestTheNewState) {
  UseLinkWait(std::chrono::minutes(1));
  ASSERT_TRUE(hub_.releaser->LinkCurrent().ok());
  ASSERT_TRUE(hub_.Submit("credit", 40, 31, *p_.source_key, "2025").ok());
  HeldLink link(hub_);
  ASSERT_TRUE(p_.gate->AScanWaits(std::chrono::seconds(10)));
  auto [request, waited] = StartRelease("2025");
  p_.gate->Open();
  auto reply = request.get();
  EXPECT_TRUE(waited);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(Debts(*reply), 30);
  EXPECT_EQ(reply->notice(), "");
  auto linked = link.result.get();
  ASSERT_TRUE(linked.ok()) << linked.status();
  EXPECT_EQ(VersionOf(*reply), linked->back());
}

TEST_F(RelinkTest, WithoutAStateOfTheCurrentEpochARequestIsAskedToComeBack) {
  // Never linked (a hub just started): nothing to count from while the link goes on, so a
  // request gets UNAVAILABLE after its wait, which the log does not hold as a refusal; so does
  // one of the period linked next, without waiting for the link of the first. Once linked,
  // the same request gets its table.
  {
    HeldLink link(hub_);  // 2024 first
    ASSERT_TRUE(p_.gate->AScanWaits(std::chrono::seconds(10)));
    for (const char* period : {"2024", "2025"}) {
      auto first = ReleaseWithin(period, std::chrono::seconds(10));
      EXPECT_EQ(first.status().code(), absl::StatusCode::kUnavailable) << first.status();
      EXPECT_TRUE(IsStillLinking(first.status()));
      EXPECT_NE(first.status().message().find(
                    fmt::format("the hub has not linked the data of period {} yet", period)),
                std::string::npos)
          << first.status();
    }
    p_.gate->Open();
    ASSERT_TRUE(link.result.get().ok());
  }
  EXPECT_TRUE(p_.log->EntriesOfType(kEntryRefusal).empty());
  auto linked = ReleaseWithin("2024", std::chrono::seconds(10));
  ASSERT_TRUE(linked.ok()) << linked.status();
  EXPECT_EQ(linked->notice(), "");

  // After a key rotation the state kept is of the old secret: no request counts from it while
  // a link runs. That link refuses the old epoch's data, and so does the request after it.
  ASSERT_TRUE(p_.DepositEpoch(SecretBytes::Random(32)).ok());
  HeldLink relink(hub_);
  ASSERT_TRUE(p_.gate->AScanWaits(std::chrono::seconds(10)));
  EXPECT_EQ(ReleaseWithin("2024", std::chrono::seconds(10)).status().code(),
            absl::StatusCode::kUnavailable);
  p_.gate->Open();
  EXPECT_EQ(relink.result.get().status().code(), absl::StatusCode::kFailedPrecondition);
  // The same data fail the same way: not linked again (the gate stays shut), the reason at once.
  HeldLink again(hub_);
  EXPECT_EQ(again.result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(again.result.get().status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReleaseWithin("2024", std::chrono::seconds(10)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RelinkTest, AStoppingHubCancelsTheRequestsThatWaitForALink) {
  UseLinkWait(std::chrono::minutes(1));
  HeldLink link(hub_);
  ASSERT_TRUE(p_.gate->AScanWaits(std::chrono::seconds(10)));
  auto [request, waited] = StartRelease("2024");
  hub_.releaser->Stop();
  const bool cancelled = request.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  p_.gate->Open();
  EXPECT_TRUE(waited);
  EXPECT_TRUE(cancelled) << "a waiting request outlived the stop";
  EXPECT_EQ(request.get().status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(link.result.get().status().code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(p_.log->EntriesOfType(kEntryRefusal).empty());
}

}  // namespace
}  // namespace stapel
