"""Policies: written in Markdown, versioned, attested to by the holders of the posts
they concern; a new version asks every holder concerned to attest again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from db.models import (
    Attestation,
    HatHolder,
    Policy,
    PolicyPost,
    PolicyVersion,
    Post,
)
from om_tui.practice import limits
from om_tui.practice.hats.base import HatsBase, _required, _rows, _taken
from om_tui.practice.hats.periods import _in_force
from om_tui.practice.hats.views import HatError, PolicyDue
from om_tui.practice.people.roles import ADMINISTRATOR, checked, recorded
from om_tui.practice.seen import require_unchanged


class HatPolicies(HatsBase):
    """Policies: who owes an attestation, writing and revising them."""

    # -- policies ---------------------------------------------------------------------

    def policies_due(self, person_id: int) -> list[PolicyDue]:
        """Policies of the person's hats whose newest version they have not attested."""
        return self._policies_owed([person_id]).get(person_id, [])

    def _held_today(self, person_ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
        """Person → the hats they hold today, in the hats' order."""
        today = self.today()
        query = (
            HatHolder.select(HatHolder.staff, HatHolder.since, HatHolder.until, Post.id, Post.title)
            .join(Post)
            .where(HatHolder.staff.in_(list(person_ids)))
            .order_by(Post.position, Post.title)
            .tuples()
        )
        held: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for staff_id, since, until, post_id, title in _rows(query):
            if _in_force(since, until, today) and (post_id, title) not in held[staff_id]:
                held[staff_id].append((post_id, title))
        return held

    def _policies_owed(self, person_ids: Sequence[int]) -> dict[int, list[PolicyDue]]:
        """Person → the policies they owe an attestation, by title (a few queries for all)."""
        held = self._held_today(person_ids)
        post_ids = {p for posts in held.values() for p, _ in posts}
        if not post_ids:
            return {}
        policies_of: dict[int, set[int]] = defaultdict(set)
        for policy_id, post_id in _rows(
            PolicyPost.select(PolicyPost.policy, PolicyPost.post)
            .where(PolicyPost.post.in_(list(post_ids)))
            .tuples()
        ):
            policies_of[post_id].add(policy_id)
        wanted = {p for ps in policies_of.values() for p in ps}
        titles: dict[int, str] = dict(
            _rows(
                Policy.select(Policy.id, Policy.title).where(Policy.id.in_(list(wanted))).tuples()
            )
        )
        newest: dict[int, PolicyVersion] = {}
        version_of: dict[int, tuple[int, int]] = {}  # version id → (policy, number)
        for version in PolicyVersion.select(
            PolicyVersion.id, PolicyVersion.policy, PolicyVersion.number
        ).where(PolicyVersion.policy.in_(list(wanted))):
            version_of[version.id] = (version.policy_id, version.number)
            if version.number > getattr(newest.get(version.policy_id), "number", 0):
                newest[version.policy_id] = version
        attested: dict[tuple[int, int], int] = {}  # (person, policy) → highest number attested
        for version_id, staff_id in _rows(
            Attestation.select(Attestation.version, Attestation.staff)
            .where(
                Attestation.staff.in_(list(person_ids)) & Attestation.version.in_(list(version_of))
            )
            .tuples()
        ):
            policy_id, number = version_of[version_id]
            attested[(staff_id, policy_id)] = max(number, attested.get((staff_id, policy_id), 0))
        bodies: dict[int, str] = {}
        owed: dict[int, list[PolicyDue]] = {}
        for person_id, posts in held.items():
            mine = {pol for post_id, _ in posts for pol in policies_of[post_id] if pol in newest}
            for policy_id in sorted(mine, key=lambda p: titles[p]):
                version = newest[policy_id]
                before = attested.get((person_id, policy_id))
                if before == version.number:
                    continue
                if version.id not in bodies:
                    bodies[version.id] = PolicyVersion.get_by_id(version.id).body
                owed.setdefault(person_id, []).append(
                    PolicyDue(
                        policy_id,
                        titles[policy_id],
                        version.id,
                        version.number,
                        before,
                        bodies[version.id],
                    )
                )
        return owed

    @checked("my_hat", "attests policies")
    def attest(self, version_id: int, person_id: int) -> None:
        with self.database.atomic():
            if person_id != self.staff_id and self.staff_id != ADMINISTRATOR:
                raise HatError("Each person attests a policy themselves, logged in as themselves.")
            version = PolicyVersion.get_or_none(PolicyVersion.id == version_id)
            if version is None:
                raise HatError("That policy was deleted; nothing was recorded.")
            newest = (
                PolicyVersion.select(PolicyVersion.number)
                .where(PolicyVersion.policy == version.policy_id)
                .order_by(PolicyVersion.number.desc())
                .scalar()
            )
            held = {p for p, _ in self.hats_of(person_id)}
            if (
                not PolicyPost.select()
                .where((PolicyPost.policy == version.policy_id) & PolicyPost.post.in_(list(held)))
                .exists()
            ):
                raise HatError("That policy is not one of your hats' policies.")
            if newest != version.number:
                raise HatError(
                    f"The policy has a newer version (v{newest}) since you opened it: read that."
                )
            Attestation.insert(
                version=version_id, staff=person_id, at=self._now()
            ).on_conflict_ignore().execute()

    def policies(self) -> list[tuple[int, str, int]]:
        """Every policy: (id, title, newest version number)."""
        rows = []
        for policy in Policy.select().order_by(Policy.title):
            newest = (
                PolicyVersion.select(PolicyVersion.number)
                .where(PolicyVersion.policy == policy.id)
                .order_by(PolicyVersion.number.desc())
                .scalar()
            )
            rows.append((policy.id, policy.title, newest or 0))
        return rows

    def policy(self, policy_id: int) -> tuple[Policy, PolicyVersion, list[tuple[int, str]]]:
        """A policy, its newest version, and the posts whose holders attest to it."""
        policy = Policy.get_or_none(Policy.id == policy_id)
        if policy is None:
            raise HatError("That policy was deleted (on another terminal, perhaps).")
        newest = (
            PolicyVersion.select()
            .where(PolicyVersion.policy == policy_id)
            .order_by(PolicyVersion.number.desc())
            .get()
        )
        posts = [
            (p.id, p.title)
            for p in Post.select().join(PolicyPost).where(PolicyPost.policy == policy_id)
        ]
        return policy, newest, posts

    @checked("policies", "writes policies")
    def write_policy(self, title: str, body: str, post_ids: Sequence[int] = ()) -> int:
        """A new policy, version 1."""
        title = _required(title, "A policy needs a title.", limits.POLICY_TITLE)
        body = _required(body, "A policy needs its text.", limits.POLICY_TEXT)
        with self.database.atomic():
            self._check_policy_title_free(title)
            policy = Policy.create(title=title, created=self._now())
            PolicyVersion.create(
                policy=policy, number=1, body=body, by=recorded(self.staff_id), at=self._now()
            )
            for post_id in post_ids:
                PolicyPost.insert(policy=policy, post=post_id).on_conflict_ignore().execute()
            return int(policy.id)

    @checked("policies", "writes policies")
    def revise_policy(
        self,
        policy_id: int,
        body: str,
        title: str | None = None,
        seen: Mapping[str, object] | None = None,
    ) -> int:
        """A new version: every holder concerned must attest again. Returns its number.

        `seen`: the title and newest version number the editor opened with; a version
        or title written on another terminal since is not silently written over."""
        body = _required(body, "A policy needs its text.", limits.POLICY_TEXT)
        with self.database.atomic():
            policy, newest, _ = self.policy(policy_id)
            current = {"title": policy.title, "version": newest.number}
            require_unchanged(f"The policy {policy.title}", current, seen)
            if title is not None and title.strip() and title.strip() != policy.title:
                self._rename_policy(policy, _required(title, "", limits.POLICY_TITLE))
            if body == newest.body:
                return int(newest.number)  # nothing changed: nobody is asked again
            number = int(newest.number) + 1
            PolicyVersion.create(
                policy=policy_id,
                number=number,
                body=body,
                by=recorded(self.staff_id),
                at=self._now(),
            )
            return number

    def _rename_policy(self, policy: Policy, title: str) -> None:
        self._check_policy_title_free(title, but=policy.id)
        policy.title = title
        policy.save()

    @checked("policies", "writes policies")
    def set_policy_posts(
        self, policy_id: int, post_ids: Sequence[int], seen: Sequence[int] | None = None
    ) -> None:
        """The posts whose holders attest to the policy; `seen`: the posts the form showed."""
        with self.database.atomic():
            policy, _, posts = self.policy(policy_id)
            current = {"posts": sorted(p for p, _ in posts)}
            expected = None if seen is None else {"posts": sorted(seen)}
            require_unchanged(f"The policy {policy.title}", current, expected)
            PolicyPost.delete().where(PolicyPost.policy == policy_id).execute()
            for post_id in post_ids:
                PolicyPost.create(policy=policy_id, post=post_id)

    def _check_policy_title_free(self, title: str, but: int | None = None) -> None:
        if _taken(Policy.select(Policy.id, Policy.title).tuples(), title, but):
            raise HatError(f"There is already a policy called {title!r}.")
