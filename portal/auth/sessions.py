from flask import Flask


def init_login(app: Flask) -> None:
    from portal.extensions import login_manager

    login_manager.user_loader(lambda _id: None)
