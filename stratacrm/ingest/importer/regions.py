"""Chinese provinces, cities and districts with their common aliases, to put region names in one form.

The table holds every provincial-level division, every city and district the workload generator uses
(`ingest.generator.regions`) and the provincial capitals. Aliases: the name without its suffix
(浙江 for 浙江省, 杭州 for 杭州市, 西湖 for 西湖区 where unambiguous) and the romanised name.

>>> REGIONS.province("浙江"), REGIONS.city("杭州"), REGIONS.province("Zhejiang")
('浙江省', '杭州市', '浙江省')
>>> REGIONS.place_of_city("杭州市")
'浙江省'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stratacrm.ingest.generator.regions import DISTRICTS

# (name, romanised) of the 34 provincial-level divisions.
PROVINCES = (
    ("北京市", "Beijing"), ("天津市", "Tianjin"), ("上海市", "Shanghai"), ("重庆市", "Chongqing"),
    ("河北省", "Hebei"), ("山西省", "Shanxi"), ("辽宁省", "Liaoning"), ("吉林省", "Jilin"),
    ("黑龙江省", "Heilongjiang"), ("江苏省", "Jiangsu"), ("浙江省", "Zhejiang"), ("安徽省", "Anhui"),
    ("福建省", "Fujian"), ("江西省", "Jiangxi"), ("山东省", "Shandong"), ("河南省", "Henan"),
    ("湖北省", "Hubei"), ("湖南省", "Hunan"), ("广东省", "Guangdong"), ("海南省", "Hainan"),
    ("四川省", "Sichuan"), ("贵州省", "Guizhou"), ("云南省", "Yunnan"), ("陕西省", "Shaanxi"),
    ("甘肃省", "Gansu"), ("青海省", "Qinghai"), ("台湾省", "Taiwan"),
    ("内蒙古自治区", "Inner Mongolia"), ("广西壮族自治区", "Guangxi"), ("西藏自治区", "Tibet"),
    ("宁夏回族自治区", "Ningxia"), ("新疆维吾尔自治区", "Xinjiang"),
    ("香港特别行政区", "Hong Kong"), ("澳门特别行政区", "Macau"),
)  # fmt: skip
# Provincial capitals and other large cities: (province, city, romanised).
CITIES = (
    ("河北省", "石家庄市", "Shijiazhuang"), ("山西省", "太原市", "Taiyuan"), ("辽宁省", "沈阳市", "Shenyang"),
    ("辽宁省", "大连市", "Dalian"), ("吉林省", "长春市", "Changchun"), ("黑龙江省", "哈尔滨市", "Harbin"),
    ("江苏省", "南京市", "Nanjing"), ("江苏省", "苏州市", "Suzhou"), ("安徽省", "合肥市", "Hefei"),
    ("福建省", "福州市", "Fuzhou"), ("福建省", "厦门市", "Xiamen"), ("江西省", "南昌市", "Nanchang"),
    ("河南省", "郑州市", "Zhengzhou"), ("湖北省", "武汉市", "Wuhan"), ("广东省", "广州市", "Guangzhou"),
    ("广东省", "深圳市", "Shenzhen"), ("海南省", "海口市", "Haikou"), ("贵州省", "贵阳市", "Guiyang"),
    ("云南省", "昆明市", "Kunming"), ("陕西省", "西安市", "Xi'an"), ("甘肃省", "兰州市", "Lanzhou"),
    ("青海省", "西宁市", "Xining"), ("内蒙古自治区", "呼和浩特市", "Hohhot"),
    ("广西壮族自治区", "南宁市", "Nanning"), ("西藏自治区", "拉萨市", "Lhasa"),
    ("宁夏回族自治区", "银川市", "Yinchuan"), ("新疆维吾尔自治区", "乌鲁木齐市", "Urumqi"),
)  # fmt: skip
SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|特别行政区|自治区|省|市)$")
CITY_SUFFIX = re.compile(r"市$")
DISTRICT_SUFFIX = re.compile(r"(新区|区|县)$")


def _key(name: str) -> str:
    return name.strip().lower().replace(" ", "").replace("'", "")


@dataclass
class RegionTable:
    """Alias → canonical name per level, and the parents of each city and district."""

    provinces: dict[str, str] = field(default_factory=dict)
    cities: dict[str, str] = field(default_factory=dict)
    districts: dict[str, str] = field(default_factory=dict)
    city_province: dict[str, str] = field(default_factory=dict)
    district_city: dict[str, str | None] = field(default_factory=dict)

    def province(self, name: str) -> str | None:
        return self.provinces.get(_key(name))

    def city(self, name: str) -> str | None:
        return self.cities.get(_key(name))

    def district(self, name: str) -> str | None:
        return self.districts.get(_key(name))

    def place_of_city(self, city: str) -> str | None:
        return self.city_province.get(city)

    def city_of_district(self, district: str) -> str | None:
        """The city of a district name, if only one city in the table has a district of that name."""
        return self.district_city.get(district)


def _add(aliases: dict[str, str], canonical: str, *names: str) -> None:
    for name in (canonical, *names):
        aliases.setdefault(_key(name), canonical)


def _build() -> RegionTable:
    table = RegionTable()
    for name, romanised in PROVINCES:
        _add(table.provinces, name, SUFFIX.sub("", name), romanised, f"{romanised} Province")
    cities = [(d.province_zh, d.city_zh, d.city_en) for d in DISTRICTS] + list(CITIES)
    for province, city, romanised in cities:
        if city == province:  # 北京市 is a province-level city; its "city" is itself
            table.city_province[city] = province
            _add(table.cities, city, CITY_SUFFIX.sub("", city), romanised)
            continue
        _add(table.cities, city, CITY_SUFFIX.sub("", city), romanised, f"{romanised} City")
        table.city_province[city] = province
    seen: dict[str, set[str]] = {}
    for d in DISTRICTS:
        _add(table.districts, d.district_zh, d.district_en)
        seen.setdefault(d.district_zh, set()).add(d.city_zh)
        short = DISTRICT_SUFFIX.sub("", d.district_zh)
        if len(short) >= 2:
            _add(table.districts, d.district_zh, short)
    table.district_city = {name: next(iter(c)) if len(c) == 1 else None for name, c in seen.items()}
    return table


REGIONS = _build()
