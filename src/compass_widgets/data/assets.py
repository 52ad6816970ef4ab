"""The assets of Ashworth's four neighbourhoods (``assets.csv``): synthetic, for module 05.

Each row is one asset, tagged with one of the six asset types of asset-based
community development (McKnight and Russell, 2018), who leads it, whether it is a
connector (a person or group that links others) and the assets it links to. See
``assets.md`` for the data dictionary. Written by ``generate.py``; never edit the
CSV by hand.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..datasets import Column, Schema, load_table, shipped_path
from ..errors import CompassDataError

if TYPE_CHECKING:
    import pandas as pd

SEED = 20250405

#: The six asset types (McKnight and Russell, 2018), as written in the file.
ASSET_TYPES = ("gifts", "associations", "institutions", "places", "economy", "culture")
LED_BY = ("community", "institution")
NO_LINKS = "none"

SCHEMA: Schema = Schema("assets.csv", (
    Column("asset_id"),
    Column("neighbourhood"),
    Column("asset_type", "choice", choices=ASSET_TYPES, what="one of the six asset types",
           hint="Use gifts (individual gifts and skills), associations, institutions, places "
           "(physical places), economy (local economy) or culture (culture and stories)."),
    Column("name"),
    Column("led_by", "choice", choices=LED_BY, what="'community' or 'institution'",
           hint="Write community if residents run it, institution if a paid organisation does."),
    Column("connector", "yesno"),
    Column("links_to"),
), item="asset")

_LINKS_HINT = ("List the ids of the assets it links to, separated by semicolons (such as "
               "A002;A007), or write none.")


def parse_links(text: str) -> tuple[str, ...]:
    """Return the asset ids in a ``links_to`` cell, in the order written.

    Ids may be separated by semicolons, commas or spaces; ``none`` (any case) or an
    empty cell means no links.

    Examples
    --------
    >>> parse_links("A002; A007")
    ('A002', 'A007')
    >>> parse_links("None")
    ()
    """
    if text.strip().lower() in ("", NO_LINKS):
        return ()
    return tuple(part for part in re.split(r"[;,\s]+", text.strip()) if part)


# neighbourhood -> [(asset type, name, led by, connector), ...]
ASSETS: dict[str, list[tuple[str, str, str, bool]]] = {
    "Hollins Vale": [
        ("gifts", "Retired joiner who fixes neighbours' doors", "community", False),
        ("gifts", "Former nurse who checks on older neighbours", "community", True),
        ("gifts", "Keen gardener who shares seedlings", "community", False),
        ("gifts", "Neighbour who helps with official letters", "community", False),
        ("associations", "Hollins Vale walking group", "community", False),
        ("associations", "Over-60s lunch club at St Mary's", "community", True),
        ("associations", "Allotment society", "community", False),
        ("associations", "Knit and natter group", "community", False),
        ("institutions", "Hollins Vale GP practice", "institution", False),
        ("institutions", "Hollins Vale primary school", "institution", False),
        ("institutions", "Local area coordinator", "institution", True),
        ("places", "Hollins Vale community centre", "community", False),
        ("places", "Hollins Vale library", "institution", False),
        ("places", "Vale park", "institution", False),
        ("economy", "Corner shop that keeps a tab for regulars", "community", False),
        ("culture", "Mill heritage group", "community", False),
        ("culture", "Hollins Vale brass band", "community", False),
    ],
    "Millbrook": [
        ("gifts", "Retired accountant who helps with forms", "community", False),
        ("gifts", "Parent who coaches junior football", "community", False),
        ("associations", "Millbrook residents' association", "community", True),
        ("associations", "Parents' group for children with additional needs", "community", False),
        ("institutions", "Millbrook health centre", "institution", False),
        ("institutions", "Millbrook secondary school", "institution", False),
        ("institutions", "Millbrook leisure centre", "institution", False),
        ("institutions", "Children's centre", "institution", False),
        ("institutions", "Neighbourhood police team", "institution", False),
        ("institutions", "Local area coordinator", "institution", True),
        ("places", "Millbrook library", "institution", False),
        ("places", "Millbrook country park", "institution", False),
        ("places", "Church hall", "community", False),
        ("places", "Sports ground", "institution", False),
        ("economy", "Supermarket with a community noticeboard", "institution", False),
        ("economy", "Independent bakery", "community", False),
        ("economy", "Farmers' market", "institution", False),
        ("culture", "Millbrook local history archive", "community", False),
    ],
    "Station Fields": [
        ("gifts", "Cook who feeds neighbours at Eid and Christmas", "community", True),
        ("gifts", "Teenager who teaches phone skills", "community", False),
        ("gifts", "Retired bus driver who knows everyone", "community", True),
        ("gifts", "Neighbour who translates Urdu and Polish", "community", False),
        ("gifts", "Volunteer youth worker", "community", False),
        ("associations", "Station Fields tenants' association", "community", True),
        ("associations", "Mosque women's group", "community", True),
        ("associations", "Community kitchen", "community", False),
        ("associations", "Under-16s football club", "community", False),
        ("associations", "Station Fields food bank", "community", False),
        ("associations", "Caribbean elders' dominoes club", "community", False),
        ("institutions", "Station Fields family hub", "institution", False),
        ("institutions", "Job centre", "institution", False),
        ("institutions", "Station Fields primary school", "institution", False),
        ("places", "Community fridge in the old station building", "community", False),
        ("places", "Mosque and its hall", "community", False),
        ("places", "Pocket park", "institution", False),
        ("economy", "Saturday market", "institution", False),
        ("economy", "Credit union", "community", False),
        ("economy", "Barber's shop", "community", False),
        ("culture", "Murals of the railway workers", "community", False),
        ("culture", "Station Fields carnival committee", "community", True),
        ("culture", "Oral history project", "community", False),
        ("culture", "Steel band", "community", False),
    ],
    "Canal Side": [
        ("gifts", "New resident who runs a running club", "community", False),
        ("gifts", "Student who helps with computers", "community", False),
        ("associations", "Residents' online chat group", "community", True),
        ("institutions", "Canal Side housing management office", "institution", False),
        ("institutions", "Canal Side pharmacy", "institution", False),
        ("places", "Canal towpath", "institution", False),
        ("places", "Communal roof garden", "institution", False),
    ],
}

#: A connector links to this many assets in its own neighbourhood (at most all of them)...
CONNECTOR_LINKS = (4, 8)
#: ...and, this often, to one asset in another neighbourhood.
CONNECTOR_OUTSIDE = 0.5
#: Any other asset links to one asset in its neighbourhood this often.
OTHER_LINK = 0.35


def rows(seed: int = SEED) -> list[dict[str, str]]:
    """Return the synthetic asset list as CSV rows (strings), neighbourhood by neighbourhood.

    Names, types, leaders and connectors are fixed (see ``ASSETS``); the links are
    drawn at random with ``random.Random(seed)``.

    Examples
    --------
    >>> sample = rows()
    >>> sample[0]["asset_id"], sample[0]["asset_type"], sample[0]["links_to"]
    ('A001', 'gifts', 'A007')
    >>> sample == rows()
    True
    """
    rng = random.Random(seed)
    ids: dict[str, list[str]] = {}
    records = []
    number = 0
    for neighbourhood, assets in ASSETS.items():
        for asset_type, name, led_by, connector in assets:
            number += 1
            asset_id = f"A{number:03d}"
            ids.setdefault(neighbourhood, []).append(asset_id)
            records.append({
                "asset_id": asset_id, "neighbourhood": neighbourhood, "asset_type": asset_type,
                "name": name, "led_by": led_by, "connector": "yes" if connector else "no",
            })
    for record in records:
        own = [i for i in ids[record["neighbourhood"]] if i != record["asset_id"]]
        others = [i for n, group in ids.items() if n != record["neighbourhood"] for i in group]
        links: list[str] = []
        if record["connector"] == "yes":
            links = rng.sample(own, min(len(own), rng.randint(*CONNECTOR_LINKS)))
            if rng.random() < CONNECTOR_OUTSIDE:
                links.append(rng.choice(others))
        elif rng.random() < OTHER_LINK:
            links = [rng.choice(own)]
        record["links_to"] = ";".join(sorted(links)) or NO_LINKS
    return records


def load_assets(path: str | Path | None = None) -> pd.DataFrame:
    """Load an asset map: the shipped synthetic Ashworth one, or a learner's own CSV.

    The file needs the columns ``asset_id, neighbourhood, asset_type, name,
    led_by, connector, links_to`` (see ``assets.md``). ``asset_type`` is one of
    gifts, associations, institutions, places, economy, culture; ``led_by`` is
    ``community`` or ``institution``; ``connector`` is yes/no; ``links_to`` lists
    the ids of linked assets separated by semicolons, or ``none``. Every
    ``asset_id`` must be different, and every linked id must be in the file.
    Extra columns are kept.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file. Leave it out for the course's synthetic Ashworth assets.

    Returns
    -------
    pandas.DataFrame
        One row per asset; ``connector`` as bool, ``links_to`` as written.

    Raises
    ------
    CompassDataError
        Naming the file, column and first bad row, and what to do.

    Examples
    --------
    >>> assets = load_assets()
    >>> sorted(assets["neighbourhood"].unique())
    ['Canal Side', 'Hollins Vale', 'Millbrook', 'Station Fields']
    """
    try:
        table = load_table(path, SCHEMA)
    except CompassDataError as err:
        if err.column != "links_to" or err.problem != "a value is missing":
            raise
        # An asset with no links is common: say how to write that, not just "fill it in".
        raise CompassDataError(err.problem, file=err.file, column=err.column, row=err.row,
                               hint=f"Write none if the asset links to no other. {_LINKS_HINT}"
                               ) from None
    where = shipped_path(SCHEMA.shipped) if path is None else path
    seen: set[str] = set()
    for position, asset_id in enumerate(table["asset_id"]):
        if asset_id in seen:
            raise CompassDataError(
                f"the id {asset_id} is used twice", file=where, column="asset_id",
                row=position + 2, hint="Give every asset its own id, such as A001, A002.")
        seen.add(asset_id)
    for position, (asset_id, text) in enumerate(zip(table["asset_id"], table["links_to"],
                                                    strict=True)):
        for linked in parse_links(text):
            if linked == asset_id:
                raise CompassDataError(
                    f"{asset_id} links to itself", file=where, column="links_to",
                    row=position + 2, hint=f"Remove {asset_id} from its own links.")
            if linked not in seen:
                raise CompassDataError(
                    f"'{linked}' is not the id of any asset in the file", file=where,
                    column="links_to", row=position + 2, hint=_LINKS_HINT)
    return table
