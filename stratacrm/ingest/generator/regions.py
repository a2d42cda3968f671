"""Real provinces, cities and districts, in Chinese and romanised, with their administrative codes.

Each district carries a weight (roughly its population in hundreds of thousands) that sets its share of
customers. Codes are the six-digit administrative division codes used in ID numbers and credit codes.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    """One district: where a customer lives or operates."""

    province_zh: str
    province_en: str
    city_zh: str
    city_en: str
    district_zh: str
    district_en: str
    code: int
    weight: float


_Names = tuple[str, str]  # (Chinese, romanised)
_Districts = tuple[tuple[str, str, int, float], ...]  # (Chinese, romanised, code, weight)
_Cities = tuple[tuple[_Names, _Districts], ...]

_TREE: tuple[tuple[_Names, _Cities], ...] = (
    (
        ("北京市", "Beijing"),
        (
            (
                ("北京市", "Beijing"),
                (
                    ("东城区", "Dongcheng District", 110101, 7.1),
                    ("西城区", "Xicheng District", 110102, 11.0),
                    ("朝阳区", "Chaoyang District", 110105, 34.5),
                    ("丰台区", "Fengtai District", 110106, 20.2),
                    ("海淀区", "Haidian District", 110108, 31.3),
                ),
            ),
        ),
    ),
    (
        ("上海市", "Shanghai"),
        (
            (
                ("上海市", "Shanghai"),
                (
                    ("黄浦区", "Huangpu District", 310101, 6.6),
                    ("徐汇区", "Xuhui District", 310104, 11.1),
                    ("闵行区", "Minhang District", 310112, 26.5),
                    ("浦东新区", "Pudong New Area", 310115, 56.8),
                ),
            ),
        ),
    ),
    (
        ("浙江省", "Zhejiang"),
        (
            (
                ("杭州市", "Hangzhou"),
                (
                    ("上城区", "Shangcheng District", 330102, 13.2),
                    ("拱墅区", "Gongshu District", 330105, 11.8),
                    ("西湖区", "Xihu District", 330106, 11.5),
                    ("滨江区", "Binjiang District", 330108, 5.0),
                ),
            ),
            (
                ("宁波市", "Ningbo"),
                (
                    ("海曙区", "Haishu District", 330203, 9.4),
                    ("江北区", "Jiangbei District", 330205, 4.9),
                    ("鄞州区", "Yinzhou District", 330212, 16.1),
                ),
            ),
            (
                ("温州市", "Wenzhou"),
                (
                    ("鹿城区", "Lucheng District", 330302, 11.4),
                    ("瓯海区", "Ouhai District", 330304, 9.6),
                ),
            ),
        ),
    ),
    (
        ("江苏省", "Jiangsu"),
        (
            (
                ("南京市", "Nanjing"),
                (
                    ("玄武区", "Xuanwu District", 320102, 5.4),
                    ("秦淮区", "Qinhuai District", 320104, 7.4),
                    ("鼓楼区", "Gulou District", 320106, 9.4),
                ),
            ),
            (
                ("苏州市", "Suzhou"),
                (
                    ("吴中区", "Wuzhong District", 320506, 13.9),
                    ("相城区", "Xiangcheng District", 320507, 8.9),
                    ("姑苏区", "Gusu District", 320508, 9.2),
                ),
            ),
            (
                ("无锡市", "Wuxi"),
                (
                    ("滨湖区", "Binhu District", 320211, 7.2),
                    ("梁溪区", "Liangxi District", 320213, 9.6),
                ),
            ),
        ),
    ),
    (
        ("广东省", "Guangdong"),
        (
            (
                ("广州市", "Guangzhou"),
                (
                    ("越秀区", "Yuexiu District", 440104, 10.4),
                    ("海珠区", "Haizhu District", 440105, 18.2),
                    ("天河区", "Tianhe District", 440106, 22.4),
                    ("白云区", "Baiyun District", 440111, 37.4),
                ),
            ),
            (
                ("深圳市", "Shenzhen"),
                (
                    ("罗湖区", "Luohu District", 440303, 11.4),
                    ("福田区", "Futian District", 440304, 15.5),
                    ("南山区", "Nanshan District", 440305, 18.0),
                    ("宝安区", "Bao'an District", 440306, 44.8),
                ),
            ),
            (
                ("佛山市", "Foshan"),
                (
                    ("禅城区", "Chancheng District", 440604, 14.0),
                    ("南海区", "Nanhai District", 440605, 36.6),
                    ("顺德区", "Shunde District", 440606, 32.3),
                ),
            ),
        ),
    ),
    (
        ("山东省", "Shandong"),
        (
            (
                ("济南市", "Jinan"),
                (
                    ("历下区", "Lixia District", 370102, 8.3),
                    ("市中区", "Shizhong District", 370103, 7.3),
                    ("槐荫区", "Huaiyin District", 370104, 6.1),
                ),
            ),
            (
                ("青岛市", "Qingdao"),
                (
                    ("市南区", "Shinan District", 370202, 5.1),
                    ("市北区", "Shibei District", 370203, 10.4),
                    ("黄岛区", "Huangdao District", 370211, 19.0),
                ),
            ),
        ),
    ),
    (
        ("湖南省", "Hunan"),
        (
            (
                ("长沙市", "Changsha"),
                (
                    ("芙蓉区", "Furong District", 430102, 6.3),
                    ("天心区", "Tianxin District", 430103, 7.6),
                    ("岳麓区", "Yuelu District", 430104, 15.3),
                ),
            ),
            (
                ("岳阳市", "Yueyang"),
                (("岳阳楼区", "Yueyanglou District", 430602, 11.2),),
            ),
        ),
    ),
    (
        ("四川省", "Sichuan"),
        (
            (
                ("成都市", "Chengdu"),
                (
                    ("锦江区", "Jinjiang District", 510104, 9.0),
                    ("青羊区", "Qingyang District", 510105, 9.6),
                    ("金牛区", "Jinniu District", 510106, 12.7),
                    ("武侯区", "Wuhou District", 510107, 12.1),
                ),
            ),
        ),
    ),
)

DISTRICTS: tuple[District, ...] = tuple(
    District(prov_zh, prov_en, city_zh, city_en, dist_zh, dist_en, code, weight)
    for (prov_zh, prov_en), cities in _TREE
    for (city_zh, city_en), districts in cities
    for dist_zh, dist_en, code, weight in districts
)
PROVINCES_ZH: tuple[str, ...] = tuple(dict.fromkeys(d.province_zh for d in DISTRICTS))
